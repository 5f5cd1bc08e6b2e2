# 两条命令：make demo（在示例工作簿上运行检查）与 make test（运行全部测试）。
# Python 3.11 或更高（xlwings 0.37.8 的要求）；PY 可指定解释器，例如 make demo PY=python3.12。
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := workbooks/samples/gz_2023_juesuan.xlsx
WHEELHOUSE := dist/juesuan-offline

.PHONY: demo test setup setup-test sysdeps bench fuzz samples wheelhouse clean

# 运行所需：只装 juesuan 及其运行依赖（见 README“依赖”）。
$(BIN)/juesuan: pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "juesuan 需要 Python 3.11 或更高版本（当前 " + sys.version.split()[0] + "）：请用 make PY=python3.11 …")'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

# 测试另需 pytest、lxml、oletools（及生成离线包用的 packaging）。
$(VENV)/.test-extras: $(BIN)/juesuan
	$(BIN)/pip install -q -e '.[test,bundle]'
	touch $@

setup: $(BIN)/juesuan
setup-test: $(VENV)/.test-extras

# LibreOffice（重算公式、渲染标注副本）与中文字体，仅测试需要；需要 root 权限。
sysdeps:
	@if ! command -v soffice >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libreoffice-calc-nogui fonts-wqy-zenhei poppler-utils >/dev/null; \
	fi

demo: setup
	@mkdir -p out
	-$(BIN)/juesuan check $(SAMPLE) --json out/demo-report.json --out out/demo-marked.xlsx

test: setup-test sysdeps
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_udf.py
	$(BIN)/python bench/bench_perf.py
	$(BIN)/python bench/bench_write.py
	$(BIN)/python bench/bench_narrative.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_read.py
	$(BIN)/python bench/bench_formula.py
	$(BIN)/python bench/bench_localise.py

# 模糊测试：5000 个变异的示例工作簿，每例检查退出码、回溯、超时、内存、原文件与临时文件（issue #9 §13）。
fuzz: setup-test
	$(BIN)/python -m workbooks.fuzz --cases 5000

# 离线安装包：Windows x64 与 Linux、CPython 3.11–3.13 所需的全部 wheel 和安装脚本（需要能访问软件包仓库）。
wheelhouse: setup-test
	$(BIN)/python bundle/wheelhouse.py --out $(WHEELHOUSE)

samples: setup
	$(BIN)/python workbooks/make_samples.py
	$(BIN)/python workbooks/make_perf_samples.py
	$(BIN)/python workbooks/make_narratives.py

clean:
	rm -rf $(VENV) out build dist *.egg-info
