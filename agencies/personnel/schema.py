"""The personnel system's own schema, exactly the ``don_vi`` / ``can_bo`` DDL of docs/agency-interface.md.

Built by a function rather than held in a module-level ``MetaData``, so no
process-wide mutable object is shared between callers.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, Text, text


def personnel_metadata() -> MetaData:
    metadata = MetaData()
    Table(
        "don_vi",
        metadata,
        Column("ma_don_vi", Text, primary_key=True),  # the hub's agency code
        Column("ten_don_vi", Text, nullable=False),
        Column("bien_che", Integer, nullable=False),  # staffing quota
    )
    Table(
        "can_bo",
        metadata,
        Column("ma_can_bo", Text, primary_key=True),
        Column("ho_ten", Text, nullable=False),
        Column("gioi_tinh", Text, nullable=False),  # 'Nam' | 'Nữ'
        Column("ngay_sinh", Text, nullable=False),  # dd/mm/yyyy
        Column("so_cccd", Text, nullable=False),
        Column("ma_don_vi", Text, ForeignKey("don_vi.ma_don_vi"), nullable=False),
        Column("chuc_vu", Text),  # leadership post or NULL
        Column("chuc_danh", Text, nullable=False),
        Column("ngay_bo_nhiem", Text),
        Column("ngay_het_nhiem_ky", Text),
        Column("so_nhiem_ky_lien_tiep", Integer, nullable=False, server_default=text("1")),
        Column("vi_tri_nhay_cam", Integer, nullable=False, server_default=text("0")),
        Column("ngay_nhan_vi_tri", Text),
        Column("dao_tao", Text),
        Column("ky_luat", Text),  # restricted
    )
    return metadata
