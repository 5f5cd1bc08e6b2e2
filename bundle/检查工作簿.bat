@echo off
rem Drag one or more workbooks onto this file: writes NAME.checked.xlsx beside each and opens it.
chcp 65001 >nul
setlocal
set "PY=py -3"
where py >nul 2>nul || set "PY=python"
if "%~1"=="" (
  echo 请把要检查的工作簿（.xlsx、.xlsm、.xls、.xlsb、.ods）拖到本文件的图标上。
  pause
  exit /b 2
)
:next
if "%~1"=="" goto done
set "OUT=%~dpn1.checked.xlsx"
if /i "%~x1"==".xlsm" set "OUT=%~dpn1.checked.xlsm"
echo.
echo ==== %~nx1 ====
%PY% -m juesuan check "%~1" --out "%OUT%"
if errorlevel 2 (
  echo 未能检查该文件，原因见上一行。
) else (
  if exist "%OUT%" start "" "%OUT%"
)
shift
goto next
:done
echo.
echo 检查完毕。标注副本与原文件在同一文件夹，文件名后加 .checked；原文件没有被修改。
pause
