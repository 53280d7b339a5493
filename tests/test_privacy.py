"""The privacy scan's search for dates of birth: the fast search finds exactly what the plain patterns do."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cscp_analysis.privacy import _ISO_DATE, _UK_DATE, dates_written


def _plain(text: str) -> tuple[set[str], set[str]]:
    return set(_ISO_DATE.findall(text)), set(_UK_DATE.findall(text))


def test_dates_in_the_places_a_page_writes_them():
    text = ('<td>2014-03-07</td> born 07/03/2014; x2015-01-02 <a href="t-2016-02-03">  12016-02-03 '
            '2017-04-05T10:00 2018-06-07: 1/2019-08-09 31/12/2020/ 2021-01-01')
    iso, uk = dates_written(text)
    assert iso == {"2014-03-07", "2015-01-02", "2019-08-09", "2021-01-01"}
    assert uk == {"07/03/2014"}
    assert (iso, uk) == _plain(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789/-T: x<>", max_size=80))
def test_the_fast_search_finds_what_the_plain_patterns_find(text):
    assert dates_written(text) == _plain(text)
