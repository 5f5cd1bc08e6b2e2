"""argparse in Chinese: usage lines, section headings, ``-h`` and its own error messages.

argparse builds every text it prints from English message ids passed through ``gettext`` (bound as ``argparse._``
and ``argparse.ngettext``) and has no Chinese catalogue. :class:`ChineseParser` swaps those two names for a lookup in
:data:`MESSAGES` while it builds, parses and formats, and puts them back afterwards, so other users of argparse in
the same process (pytest, for one) keep their own texts. An id missing from the table (a newer Python's new
message) falls back to English rather than failing.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import re
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

from .textwidth import display_width, wrap

__all__ = ["MESSAGES", "ChineseHelpFormatter", "ChineseParser"]

#: argparse's message ids (Python 3.11-3.13) and their Chinese texts, same placeholders.
MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "subcommands": "命令",
    "%(heading)s:": "%(heading)s：",
    " (default: %(default)s)": "（默认：%(default)s）",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "此选项不接受值：%r",
    "expected one argument": "缺少一个值",
    "expected at most one argument": "最多只能给一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：注意：%(message)s\n",
}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, gettext.gettext(message))


def _ngettext(singular: str, plural: str, n: int) -> str:
    return MESSAGES.get(singular if n == 1 else plural, gettext.ngettext(singular, plural, n))


@contextlib.contextmanager
def _chinese() -> Iterator[None]:
    """argparse's texts in Chinese for the duration (re-entrant: nested uses restore the outer state)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _gettext, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


#: Stands in for the second column of a wide character while argparse pads by ``len``; removed before printing.
_FILLER = "\x00"
#: Python 3.11 and 3.12 print section headings with an ASCII colon that no message id covers.
_HEADING = re.compile(r"^(\S[^\n]*):$", re.MULTILINE)


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Help laid out by display width: options align with their help, lines wrap at the terminal's width."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        text = super()._format_action_invocation(action)
        return text + _FILLER * (display_width(text) - len(text))

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def format_help(self) -> str:
        return _HEADING.sub(r"\1：", super().format_help().replace(_FILLER, ""))


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts are Chinese; sub-parsers are of the same class.

    An error prints the usage line, ``juesuan check：错误：……`` and where to find help, then exits with 2
    (argparse's code, which juesuan also uses for unusable input)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        with _chinese():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("title", MESSAGES["subcommands"])
        with _chinese():
            return super().add_subparsers(**kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with _chinese():
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with _chinese():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _chinese():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with _chinese():
            self.print_usage(sys.stderr)
            hint = f"运行 {self.prog} -h 查看帮助\n"
            self.exit(2, _gettext("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message} + hint)
