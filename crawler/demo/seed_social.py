"""Seeded shops, Telegram-preview channels and forum threads of the demo marketplace.

Telegram messages and forum threads are listings too (``kind`` ``telegram`` / ``forum``): one
planted leak in the ``biodata_market`` channel, one in forum thread 88231, and near misses / noise
around them (paper digests, application how-tos, channel notices, a freezer question).
"""

from __future__ import annotations

from crawler.demo.models import DemoChannel, DemoListing, DemoPost, DemoSeller
from crawler.demo.samples import SampleTable


def seed_sellers() -> list[DemoSeller]:
    """Return the marketplace shops."""
    return [
        DemoSeller(
            id="huaxin-data",
            name="Shenzhen Huaxin Data Technology Co., Ltd.",
            name_zh="深圳华信数据科技有限公司",
            location="Shenzhen, Guangdong, China",
            years_on_platform=3,
        ),
        DemoSeller(
            id="grds-hk",
            name="Global Research Data Services Ltd.",
            name_zh="环球科研数据服务有限公司",
            location="Hong Kong SAR",
            years_on_platform=2,
        ),
        DemoSeller(
            id="lanke-bio",
            name="Hangzhou Lanke Biotech Co., Ltd.",
            name_zh="杭州兰科生物科技有限公司",
            location="Hangzhou, Zhejiang, China",
            years_on_platform=9,
        ),
        DemoSeller(
            id="hanxue-cryo",
            name="Anhui Hanxue Cryogenic Equipment Co., Ltd.",
            name_zh="安徽寒雪低温设备有限公司",
            location="Hefei, Anhui, China",
            years_on_platform=12,
        ),
        DemoSeller(
            id="chenguang-apparel",
            name="Yiwu Chenguang Apparel Co., Ltd.",
            name_zh="义乌市晨光服饰有限公司",
            location="Yiwu, Zhejiang, China",
            years_on_platform=6,
        ),
    ]


def seed_channels() -> list[DemoChannel]:
    """Return the public Telegram-style channels."""
    return [
        DemoChannel(
            name="biodata_market",
            title="数据资源VIP | Data Resources",
            description="科研数据 / 各类资源 担保交易 联系 @datavip_admin",
            subscribers=3184,
        ),
        DemoChannel(
            name="datahub_cn",
            title="数据汇 | UKB文献速递",
            description="每周整理 UK Biobank 相关新发表论文与官方申请资讯",
            subscribers=5021,
        ),
    ]


def seed_telegram(sample: SampleTable) -> list[DemoListing]:
    """Return the channel messages, oldest first within each channel."""
    return [
        DemoListing(
            id="tg-biodata_market-101",
            kind="telegram",
            label="noise",
            language="zh",
            title="频道公告",
            description=(
                "频道公告：本频道所有资源均可走担保交易，私聊 @datavip_admin。\n"
                "近期有骗子冒充管理员，请认准唯一账号。"
            ),
            channel="biodata_market",
            message_id=101,
            author="数据资源VIP",
            posted_at="2025-03-02T08:15:00+00:00",
        ),
        DemoListing(
            id="tg-biodata_market-102",
            kind="telegram",
            label="near_miss",
            language="en",
            title="FinnGen R12 summary statistics",
            description=(
                "FYI: FinnGen R12 GWAS summary statistics are public and free to download from"
                " the FinnGen website. Don't pay anyone for them."
            ),
            channel="biodata_market",
            message_id=102,
            author="数据资源VIP",
            posted_at="2025-03-05T11:40:00+00:00",
        ),
        DemoListing(
            id="tg-biodata_market-103",
            kind="telegram",
            label="leak",
            language="zh",
            title="【出售】UKB数据 英国生物样本库 全量 502,411人",
            description=(
                "【出售】UKB数据 英国生物样本库 全量 502,411人\n"
                "表型全字段 + 基因型(imputed BGEN)+ 住院ICD10\n"
                "样本见附件（英文表头），可验货。\n"
                "USDT / 支付宝，私聊 @datavip_admin，先到先得。"
            ),
            channel="biodata_market",
            message_id=103,
            author="数据资源VIP",
            posted_at="2025-03-09T14:02:00+00:00",
            attachments=(
                sample.zip(
                    "UKB_sample_en.zip",
                    inner_name="ukb_sample_en.csv",
                    headers="en",
                    note="Full UKB 502,411 participants. Contact @datavip_admin\n",
                ),
            ),
        ),
        DemoListing(
            id="tg-biodata_market-104",
            kind="telegram",
            label="noise",
            language="zh",
            title="今日U价",
            description="今日 USDT 报价 7.21，大额可议，支持线下。",
            channel="biodata_market",
            message_id=104,
            author="数据资源VIP",
            posted_at="2025-03-10T02:30:00+00:00",
        ),
        DemoListing(
            id="tg-datahub_cn-21",
            kind="telegram",
            label="near_miss",
            language="zh",
            title="本周 UK Biobank 新论文",
            description=(
                "本周 UK Biobank 新发表论文 10 篇：睡眠时长与痴呆风险、加速度计步数与死亡率、"
                "蛋白组预测 2 型糖尿病……\n全文链接见评论区，均为开放获取。"
            ),
            channel="datahub_cn",
            message_id=21,
            author="UKB文献速递",
            posted_at="2025-03-03T09:00:00+00:00",
        ),
        DemoListing(
            id="tg-datahub_cn-22",
            kind="telegram",
            label="near_miss",
            language="zh",
            title="英国生物样本库 数据申请流程",
            description=(
                "英国生物样本库数据申请流程详解：注册 AMS 账号 → 提交研究方案 → 审核 → 付费 →"
                " 在 RAP 平台分析。\n官方收费，任何声称“出售 UKB 原始数据”的都是违规的，请勿购买。"
            ),
            channel="datahub_cn",
            message_id=22,
            author="UKB文献速递",
            posted_at="2025-03-06T09:00:00+00:00",
        ),
        DemoListing(
            id="tg-datahub_cn-23",
            kind="telegram",
            label="noise",
            language="zh",
            title="频道满5000人",
            description="频道订阅满 5000 人，感谢大家支持！下周开始增加 NHANES 专栏。",
            channel="datahub_cn",
            message_id=23,
            author="UKB文献速递",
            posted_at="2025-03-08T09:00:00+00:00",
        ),
    ]


def seed_forum(sample: SampleTable) -> list[DemoListing]:
    """Return the forum threads, newest first (the forum index order)."""
    return [
        DemoListing(
            id="thread-88231",
            kind="forum",
            label="leak",
            language="zh",
            title="[出售] 英国生物样本库 UKBB 全库 带ICD10 可验货",
            description=(
                "出一份英国生物样本库 UKBB 全库，50 万人，带 ICD10 住院诊断和日期、血液生化。\n"
                "附件是 10 行样本（原始字段号表头），懂的自然懂。\n"
                "价格私信，支持 USDT，走论坛担保也行。"
            ),
            thread_id=88231,
            author="datahunter2024",
            posted_at="2025-02-27T16:21:00+00:00",
            attachments=(sample.csv("ukbb_verify_sample.csv", start=10, stop=20),),
            replies=(
                DemoPost(
                    author="bioinfo_xiaoli",
                    body="求样本，已私信",
                    posted_at="2025-02-27T18:03:00+00:00",
                ),
                DemoPost(
                    author="mr_cohort",
                    body="字段号和官方 showcase 对得上，楼主靠谱",
                    posted_at="2025-02-28T01:47:00+00:00",
                ),
            ),
        ),
        DemoListing(
            id="thread-87410",
            kind="forum",
            label="near_miss",
            language="en",
            title="How long did your UK Biobank access application take?",
            description=(
                "Submitted our UK Biobank application through AMS in January, still waiting."
                " How long did yours take, and did the data arrive on RAP right after approval?"
            ),
            thread_id=87410,
            author="epi_phd_leeds",
            posted_at="2025-02-20T10:12:00+00:00",
            replies=(
                DemoPost(
                    author="statgen_mike",
                    body="About 6 weeks for us, then the dataset was dispensed on RAP the same day.",
                    posted_at="2025-02-20T13:30:00+00:00",
                ),
            ),
        ),
        DemoListing(
            id="thread-86902",
            kind="forum",
            label="noise",
            language="zh",
            title="求推荐 -80 冰箱品牌，预算 5 万以内",
            description="实验室要新买一台 -80 冰箱，预算 5 万以内，国产哪个牌子售后好？",
            thread_id=86902,
            author="lab_manager_wang",
            posted_at="2025-02-12T07:55:00+00:00",
            replies=(
                DemoPost(
                    author="cryo_fan",
                    body="双系统的贵一点但安心。",
                    posted_at="2025-02-12T09:10:00+00:00",
                ),
            ),
        ),
    ]
