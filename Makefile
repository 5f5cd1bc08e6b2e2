# 两条命令：make demo（在示例工作簿上运行检查）与 make test（运行全部测试）。
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := workbooks/samples/gz_2023_juesuan.xlsx

.PHONY: demo test setup sysdeps bench fuzz samples clean

$(BIN)/juesuan: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/juesuan

# LibreOffice（重算公式、渲染标注副本）与中文字体，仅测试需要；需要 root 权限。
sysdeps:
	@if ! command -v soffice >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libreoffice-calc-nogui fonts-wqy-zenhei poppler-utils >/dev/null; \
	fi

demo: setup
	@mkdir -p out
	-$(BIN)/juesuan check $(SAMPLE) --json out/demo-report.json --out out/demo-marked.xlsx

test: setup sysdeps
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_udf.py
	$(BIN)/python bench/bench_perf.py
	$(BIN)/python bench/bench_read.py

# 模糊测试：5000 个变异的示例工作簿，每例检查退出码、回溯、超时、内存、原文件与临时文件（issue #9 §13）。
fuzz: setup
	$(BIN)/python -m workbooks.fuzz --cases 5000

samples: setup
	$(BIN)/python workbooks/make_samples.py
	$(BIN)/python workbooks/make_perf_samples.py

clean:
	rm -rf $(VENV) out build *.egg-info
