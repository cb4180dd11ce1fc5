"""Signature blocks that are never split and never alone on a page.

Naskah dinas: a signature block takes at least the last lines of the text with
it to a new page, and the page before is filled first.
"""
from __future__ import annotations

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)


class SignatureBlock(KeepTogether):
    """The signature blocks: never split, and (through ``build_pdf``) never alone
    on a page."""


# Naskah dinas: a signature block takes at least the last lines of the text with
# it to a new page, and the page before is filled first.
TAIL_LINES = 2          # lines (or table rows) that go with the signatures
HEAD_LINES = 2          # a paragraph split leaves at least this many lines behind
_TAIL_REACH = 6         # flowables looked at before the signatures


def _lines(flowable: Flowable, width: float, height: float) -> int:
    """Lines of text (table rows) in a flowable: what a cut can leave behind."""
    if isinstance(flowable, Paragraph):
        flowable.wrap(width, height)
        return len(getattr(flowable.blPara, "lines", []) or [])
    if isinstance(flowable, Table):
        return max(0, len(flowable._cellvalues) - flowable.repeatRows)
    if isinstance(flowable, (Spacer,)):
        return 0
    return TAIL_LINES       # a table kept together, an image: counts as enough text


def _outer_height(flowable: Flowable, canvas, width: float, height: float) -> float:
    _, h = flowable.wrapOn(canvas, width, height)
    if isinstance(flowable, KeepTogether):
        h = flowable._H
    return h + flowable.getSpaceBefore() + flowable.getSpaceAfter()


class _SignatureWithText(Flowable):
    """The last flowables of the text and the signature block after them.

    When they do not fit on the page, the text is cut (between lines or table
    rows) as late as the page allows while leaving ``TAIL_LINES`` for the next
    page, where they are printed together with the signatures.
    """

    def __init__(self, text: list[Flowable], signature: Flowable):
        super().__init__()
        self.text, self.signature = text, signature
        self._moved = False

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, 0xffffff     # always laid out through split()

    def split(self, width, height):
        text, signature = self.text, self.signature
        heights = [_outer_height(f, self.canv, width, height) for f in text]
        signature.wrapOn(self.canv, width, height)
        sign_height = signature._H          # KeepTogether's own height (wrap forces a split)
        room = height - 1
        from reportlab.platypus.doctemplate import FrameBreak, NullActionFlowable

        # The list starts with an action: the document lays the pieces out one by
        # one (a KeepTogether first would be refused as "too large").
        if sum(heights) + sign_height <= room:
            return [NullActionFlowable()] + list(text) + [signature]
        cut = self._cut(width, room, heights)
        if cut is None:
            if self._moved:     # does not fit on an empty page either: let it flow
                return [NullActionFlowable()] + list(text) + [signature]
            self._moved = True
            return [FrameBreak(), self]
        head, tail = cut
        # The carried text may itself be longer than a page: it is laid out again
        # by the same rule on the next page.
        return [NullActionFlowable()] + head + [_SignatureWithText(tail, signature)]

    def _cut(self, width, room, heights):
        """(flowables on this page, flowables to carry) with the most on this page."""
        text = self.text
        lines = [_lines(f, width, room) for f in text]
        for index in range(len(text) - 1, -1, -1):
            before = sum(heights[:index])
            if before > room:
                continue
            later = sum(lines[index + 1:])
            item = text[index]
            pieces = self._split_item(item, width, room - before, max(0, TAIL_LINES - later))
            if pieces is not None:
                return list(text[:index]) + [pieces[0]], [pieces[1]] + list(text[index + 1:])
            # Cut before this item: it and everything after it are carried.
            if index and sum(lines[index:]) >= TAIL_LINES \
                    and not _keeps_with_next(text[index - 1]) \
                    and not isinstance(text[index - 1], Spacer):
                return list(text[:index]), list(text[index:])
        return None

    @staticmethod
    def _split_item(item, width, room, carried):
        """The item cut into (here, carried) with at least ``carried`` lines carried."""
        if isinstance(item, Paragraph):
            item.wrap(width, room)
            total = len(getattr(item.blPara, "lines", []) or [])
            leading = item.style.leading
            fit = int((room - item.getSpaceBefore()) // leading)
            keep = min(fit, total - max(carried, 1))
            if keep < HEAD_LINES:
                return None
            parts = item.split(width, keep * leading + 0.01)
        elif isinstance(item, Table):
            item.wrap(width, room)
            heights = list(item._rowHeights)
            head = item.repeatRows
            used, fit = item.getSpaceBefore(), 0
            for number, row_height in enumerate(heights):
                if used + row_height > room:
                    break
                used += row_height
                fit = number + 1
            keep = min(fit, len(heights) - max(carried, 1))
            if keep - head < 1:
                return None
            parts = item.split(width, sum(heights[:keep]) + 0.01)
        else:
            return None
        return tuple(parts) if len(parts) == 2 else None


def keep_signatures_with_text(story: list[Flowable]) -> list[Flowable]:
    """Each signature block bound to the text before it (see ``_SignatureWithText``)."""
    result: list[Flowable] = []
    for flowable in story:
        if not isinstance(flowable, SignatureBlock):
            result.append(flowable)
            continue
        start = len(result)
        while start > 0 and len(result) - start < _TAIL_REACH:
            previous = result[start - 1]
            # A conditional page break is a Spacer that acts when it is measured
            # (it queues a frame break): the text taken along stops there.
            if not isinstance(previous, (Paragraph, Table, Spacer, KeepTogether)) \
                    or isinstance(previous, (SignatureBlock, CondPageBreak)):
                break
            start -= 1
            if isinstance(previous, (Paragraph, Table)) and not _keeps_with_next(previous) \
                    and _long_enough(previous):
                break
        # Headings kept with what follows come along with it.
        while start > 0 and _keeps_with_next(result[start - 1]):
            start -= 1
        text = result[start:]
        del result[start:]
        result.append(_SignatureWithText(text, flowable) if text else flowable)
    return result


def _keeps_with_next(flowable) -> bool:
    """A heading (its style says keepWithNext) that must not end a page."""
    getter = getattr(flowable, "getKeepWithNext", None)
    return bool(getter() if getter else getattr(flowable, "keepWithNext", 0))


def _long_enough(flowable) -> bool:
    """A paragraph or table that can leave lines behind and still carry some."""
    if isinstance(flowable, Table):
        return len(flowable._cellvalues) - flowable.repeatRows >= TAIL_LINES + 1
    text = flowable.getPlainText() if isinstance(flowable, Paragraph) else ""
    return len(text) > 320
