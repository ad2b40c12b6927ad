import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from domain.text import fold, nfc


class TestFold:
    def test_strips_vietnamese_diacritics_and_case(self):
        assert fold("Nguyễn Văn Ấn") == "nguyen van an"

    def test_d_with_stroke_folds_to_d(self):
        assert fold("ĐẶNG Thị Hồng") == "dang thi hong"
        assert fold("đường") == "duong"

    def test_collapses_whitespace(self):
        assert fold("  Trần \t  Thị\nBình ") == "tran thi binh"

    def test_same_result_for_composed_and_decomposed_input(self):
        name = "Huỳnh Ngọc Phương"
        assert fold(unicodedata.normalize("NFD", name)) == fold(nfc(name)) == "huynh ngoc phuong"

    @given(st.text())
    def test_is_idempotent(self, text):
        assert fold(fold(text)) == fold(text)


def test_nfc_composes():
    assert nfc(unicodedata.normalize("NFD", "Hòa Bình")) == "Hòa Bình"
