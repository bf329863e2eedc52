"""Writes the golden import files of this folder (run once; the files are committed).

    .venv/bin/python yunying/metrics/tests/golden/make_golden.py

The files imitate the platforms' exports: a title line above the header, GB18030 CSV from Excel,
"-" for no value, thousands separators, an extra column our schema has no field for. What each
must import to is written by hand in ``expected.json``.
"""

import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent


def wechat_users() -> None:
    # 用户分析 → 用户增长 → 下载表格 (UTF-8 with BOM, a title line, a blank line).
    lines = [
        "用户增长数据,,,,",
        ",,,,",
        "时间,新关注人数,取消关注人数,净增关注人数,累积关注人数",
        '2026-10-01,120,15,105,"10,105"',
        '2026-10-02,98,20,78,"10,183"',
        '2026-10-03,0,3,-3,"10,180"',
        '2026/10/4,45,-,,"10,222"',
    ]
    (HERE / "wechat_oa_users.csv").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())


def wechat_articles() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "单篇图文"
    sheet.append(
        ["内容标题", "发表时间", "总阅读次数", "总分享次数", "点赞人数", "收藏次数", "送达人数"]
    )
    sheet.append(["秋季新品上市", dt.datetime(2026, 10, 1, 18, 30), 3210, 45, 88, 12, 9800])
    sheet.append(["国庆出行指南", dt.datetime(2026, 10, 3, 12, 0), 1520, 30, 41, 6, 9810])
    book.save(HERE / "wechat_oa_articles.xlsx")


def douyin_overview() -> None:
    # Creator centre: one workbook, account overview by day plus the works sheet.
    book = openpyxl.Workbook()
    daily = book.active
    daily.title = "账号总览"
    daily.append(
        [
            "日期",
            "播放量",
            "主页访问量",
            "点赞量",
            "评论量",
            "分享量",
            "新增粉丝",
            "取关粉丝",
            "净增粉丝",
            "粉丝总量",
        ]
    )
    daily.append([dt.date(2026, 10, 1), 15200, 310, 820, 45, 12, 150, 20, 130, 20130])
    daily.append([dt.date(2026, 10, 2), 9800.0, 205, 510, 30, 8, 90, 25, 65, 20195])
    works = book.create_sheet("作品数据")
    works.append(
        [
            "作品名称",
            "作品ID",
            "发布时间",
            "体裁",
            "播放量",
            "完播率",
            "点赞量",
            "评论量",
            "分享量",
            "收藏量",
        ]
    )
    works.append(
        [
            "探店｜青禾新店开业",
            "7301000000000000001",
            "2026-10-01 19:00",
            "视频",
            12000,
            "32.5%",
            700,
            40,
            10,
            25,
        ]
    )
    works.append(
        [
            "三分钟学会冷萃",
            "7301000000000000002",
            "2026-10-02 12:30",
            "视频",
            5600,
            "41.0%",
            300,
            18,
            5,
            30,
        ]
    )
    book.save(HERE / "douyin_creator.xlsx")


def douyin_videos_gbk() -> None:
    # Saved from Excel on Chinese Windows: GB18030, no BOM.
    lines = [
        "作品名称,作品ID,发布时间,体裁,播放量,点赞量,评论量,分享量,收藏量",
        '探店｜青禾新店开业,7301000000000000001,2026-10-01 19:00,视频,"13,500",760,44,11,27',
    ]
    (HERE / "douyin_videos_gbk.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))


def generic() -> None:
    lines = [
        "日期,粉丝总数,新增粉丝,电话量,店铺访客数,订单数,销售额",
        '2026-10-01,5000,40,3,800,24,"3,560.50"',
        "2026-10-02,5031,35,,760,20,2980",
    ]
    (HERE / "generic_daily.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def douyin_bad() -> None:
    lines = [
        "日期,播放量,点赞量,新增粉丝,取关粉丝,净增粉丝",
        "2026-10-01,15200,820,150,20,130",
        "2026-10-02,9800,五百,90,25,65",
        "2026-13-03,8800,400,80,10,70",
        "2026-10-04,7000,1.2万,70,10,50",
        "2026-10-01,100,1,1,1,0",
    ]
    (HERE / "douyin_bad.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    wechat_users()
    wechat_articles()
    douyin_overview()
    douyin_videos_gbk()
    generic()
    douyin_bad()
