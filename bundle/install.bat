@echo off
rem juesuan offline install: run on the target PC (no internet needed).
chcp 65001 >nul
setlocal
cd /d "%~dp0"
set "PY=py -3"
where py >nul 2>nul || set "PY=python"
%PY% -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)" 2>nul
if errorlevel 1 (
  echo 需要 Python 3.11 或更高版本（64 位，python.org 的安装包），请先安装 Python，安装时勾选 Add python.exe to PATH。
  pause
  exit /b 2
)
echo 正在从本文件夹安装 juesuan（不连接互联网）……
%PY% -m pip install --no-index --find-links "%~dp0wheels" juesuan
if errorlevel 1 (
  echo 安装失败：请把上面的信息发给维护者。
  pause
  exit /b 1
)
echo.
echo 安装完成。命令行检查：%PY% -m juesuan check 决算.xlsx --out 决算.checked.xlsx
echo 也可以把工作簿拖到“检查工作簿.bat”上。
echo 使用 Microsoft Excel 的，接着运行：%PY% -m juesuan addin install（先关闭 Excel）
pause
