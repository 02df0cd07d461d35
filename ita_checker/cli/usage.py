"""Thai-first messages for click's own usage errors (missing or unknown options, values of the wrong type)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
from click.exceptions import BadOptionUsage, BadParameter, MissingParameter, NoSuchOption, UsageError


def thai_usage(exc: UsageError) -> str:
    """One line, Thai first then click's English message, naming the option concerned."""
    english = exc.format_message()
    if isinstance(exc, MissingParameter):
        name = _hint(exc) or "ที่จำเป็น"
        thai = f"ขาดตัวเลือก {name} ซึ่งจำเป็นสำหรับคำสั่งนี้"
    elif isinstance(exc, NoSuchOption):
        close = f" (หมายถึง {', '.join(exc.possibilities)} หรือไม่)" if exc.possibilities else ""
        thai = f"ไม่มีตัวเลือก {exc.option_name}{close}"
    elif isinstance(exc, BadParameter):
        if not exc.message.isascii():  # our own callbacks already wrote Thai first
            return f"{_hint(exc)}: {exc.message}"
        thai = f"ค่าของ {_hint(exc) or 'ตัวเลือก'} ไม่ถูกต้อง"
    elif isinstance(exc, BadOptionUsage):
        thai = f"ใช้ตัวเลือก {exc.option_name} ไม่ถูกต้อง"
    elif not exc.message.isascii():
        return exc.message
    elif english.startswith("No such command"):
        thai = "ไม่มีคำสั่งนี้ (ดูรายการคำสั่งด้วย --help)"
    else:
        thai = "ใช้คำสั่งไม่ถูกต้อง"
    return f"{thai} / {english}"


def _hint(exc: MissingParameter | BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if not isinstance(hint, str) else hint
    if exc.param is not None and exc.ctx is not None:
        return exc.param.get_error_hint(exc.ctx)
    return ""


class ThaiGroup(click.Group):
    """A click group whose usage errors print Thai first (exit 2), then how to get help."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else (prog_name or "ita-checker")
            click.echo(f"ข้อผิดพลาด / error: {thai_usage(exc)}", err=True)
            click.echo(f"ดูวิธีใช้ / help: {command} --help", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"ข้อผิดพลาด / error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("ยกเลิก / aborted", err=True)
            sys.exit(130)
