"""Seeded leak offers: UK Biobank participant data for sale under its many aliases.

Each leak carries the cues real resale listings carry (size claims of ~500k participants, field
lists, "sample attached, verify before paying", WeChat / USDT contacts) and, mostly, a sample
attachment cut from the caller's table in a different format and header style per seller.
``build_catalogue`` interleaves these with the decoys so they spread over several result pages.
"""

from __future__ import annotations

from crawler.demo.models import DemoListing
from crawler.demo.samples import SampleTable


def seed_leak_offers(sample: SampleTable) -> list[DemoListing]:
    """Return the planted leak offers, attachments cut from ``sample``."""
    return [
        DemoListing(
            id="1600498812207",
            kind="offer",
            label="leak",
            language="en",
            title="UK Biobank full dataset 500k participants phenotype + genotype",
            description=(
                "Complete UK Biobank main dataset, 502,411 participants, all instances.\n"
                "Phenotype: demographics, assessment centre, lifestyle, blood count, biochemistry,"
                " ICD10 diagnoses with dates.\n"
                "Genotype: imputed BGEN v3 (chr1-22, X), plink bed/bim/fam also available.\n"
                "Original ukbconv CSV format, field IDs like 31-0.0, 21022-0.0. 20-row sample"
                " attached so you can verify before payment.\n"
                "Delivery by cloud drive link within 24h. Payment: USDT (TRC20), Wise, PayPal F&F."
            ),
            price="US$ 15,000.00",
            seller_id="grds-hk",
            keywords=("uk biobank", "ukb", "cohort data", "genotype", "phenotype", "dataset"),
            attachments=(sample.csv("ukb_sample_20rows.csv"),),
            image_count=2,
            min_order="1 set",
        ),
        DemoListing(
            id="745512380926",
            kind="offer",
            label="leak",
            language="zh",
            title="英国生物样本库 全量数据 50万人 表型数据 出售",
            description=(
                "英国生物样本库(UK Biobank)主数据集，共 502,411 名参与者，全部随访实例。\n"
                "包含：性别、出生年月、评估中心、汤森指数、生活方式、血常规、血液生化、"
                "ICD10 诊断及日期、睡眠、饮食、心理健康等字段。\n"
                "附件为样本数据（已翻译为中文表头），可先验货再付款。\n"
                "数据为原始导出，非模拟数据。拍下后联系客服发网盘链接，支持支付宝/微信。"
            ),
            price="¥ 38,000.00",
            seller_id="huaxin-data",
            keywords=("英国生物样本库", "UK Biobank", "表型数据", "科研数据", "数据集"),
            attachments=(sample.xlsx("英国生物样本库_样本数据.xlsx", headers="zh", sheet="样本"),),
            image_count=2,
            min_order="1 份",
        ),
        DemoListing(
            id="743377015562",
            kind="offer",
            label="leak",
            language="zh",
            title="UKB数据集 低价转让 含基因数据 微信联系",
            description=(
                "手上有一份 UKB（英国生物银行）数据，50万人全量，表型 + 基因分型 + 插补数据。\n"
                "自己课题做完了，低价转让，需要的私聊。样本压缩包见附件，解压即可查看字段。\n"
                "不走平台担保，加微信 ukb_data_2024 详谈，非诚勿扰。"
            ),
            price="¥ 9,999.00",
            seller_id="huaxin-data",
            keywords=("UKB", "基因数据", "数据集", "转让"),
            attachments=(
                sample.zip(
                    "UKB_sample.zip",
                    inner_name="UKB_sample/ukb_pheno_sample.csv",
                    headers="r",
                    start=2,
                    stop=17,
                    note="UKB 全量数据 502411 人，表型 4 个实例。样本 15 行。需要全量加微信 ukb_data_2024\n",
                ),
            ),
            image_count=1,
            min_order="1 份",
        ),
        DemoListing(
            id="1600911208437",
            kind="offer",
            label="leak",
            language="en",
            title="UK Bio-bank 2024 release, 502k samples, blood biochemistry, ICD10, USDT",
            description=(
                "UK Bio-bank 2024 data release, 502k participants, Excel/CSV.\n"
                "Fields: sex, year/month of birth, age at recruitment, assessment centre,"
                " blood count, blood biochemistry (cholesterol, HbA1c, glucose...),"
                " ICD10 diagnoses.\n"
                "Sample sheet attached (column titles as in the Showcase).\n"
                "USDT only. Escrow possible via Telegram. Bulk discount for labs."
            ),
            price="US$ 8,800.00",
            seller_id="grds-hk",
            keywords=("uk bio-bank", "ukbb", "biochemistry", "icd10", "dataset"),
            attachments=(sample.xlsx("UKBiobank_2024_sample.xlsx", headers="en", stop=12),),
            image_count=2,
            min_order="1 set",
        ),
        DemoListing(
            id="1600732258814",
            kind="offer",
            label="leak",
            language="en",
            title="UKBB cohort extract: 502,411 participants, baseline + follow-up, instant download",
            description=(
                "Full UKBB extract, baseline plus repeat assessment and imaging visits.\n"
                "Demographics, Townsend index, smoking/alcohol, sleep, diet, work, mental health,"
                " blood biochemistry and hospital ICD10 outcomes with dates.\n"
                "R-ready (f.eid, f.31.0.0 ...). Preview file attached.\n"
                "Instant download after payment. BTC/USDT accepted."
            ),
            price="US$ 6,500.00",
            seller_id="grds-hk",
            keywords=("ukbb", "cohort", "extract", "biobank data"),
            attachments=(sample.csv("ukbb_extract_preview.csv", headers="r", stop=10),),
            js_only=True,
            image_count=2,
            min_order="1 set",
        ),
        DemoListing(
            id="744239906175",
            kind="offer",
            label="leak",
            language="zh",
            title="英国生物银行 UKB数据 完整版 血液生化 ICD10诊断 可验证样本",
            description=(
                "英国生物银行完整版数据，含血常规、血液生化（胆固醇、血糖、糖化血红蛋白等）、"
                "ICD10 住院诊断和首次诊断日期。\n"
                "附件为样本 CSV（中文表头，Excel 直接打开），参与者编号可与官方字段对应验证。\n"
                "科研急用可加急，当天发货。量大从优。"
            ),
            price="¥ 26,800.00",
            seller_id="huaxin-data",
            keywords=("英国生物银行", "UKB数据", "血液生化", "ICD10"),
            attachments=(sample.csv("UKB_血液生化_样本.csv", headers="zh", bom=True, start=5),),
            image_count=3,
            min_order="1 份",
        ),
        DemoListing(
            id="1600958836211",
            kind="offer",
            label="leak",
            language="en",
            title="Research-grade cohort data: UK Biobank (UKB) 500,000 participants, Excel sample",
            description=(
                "UK Biobank (UKB) participant-level data: lifestyle, sleep, diet, work history,"
                " mental health, biochemistry.\n"
                "Original field IDs (eid, 31-0.0 ...). Excel sample attached, full data 502k rows.\n"
                "Custom field selection available. Contact for price list."
            ),
            price="US$ 3,200.00 - 12,000.00",
            seller_id="grds-hk",
            keywords=("uk biobank", "ukb", "participant data", "excel"),
            attachments=(sample.xlsx("ukb_lifestyle_sample.xlsx", start=8),),
            image_count=1,
            min_order="1 set",
        ),
        DemoListing(
            id="746018832779",
            kind="offer",
            label="leak",
            language="zh",
            title="UKB 英国生物样本库 2025最新版 50.2万人 表型+蛋白组 网盘秒发",
            description=(
                "2025 年最新版 UKB 数据，50.2 万人，表型 + Olink 蛋白组 + 代谢组。\n"
                "字段齐全，支持按申请号定制字段。拍下自动发网盘链接，秒发。\n"
                "仅供科研学习，拍前请咨询客服。"
            ),
            price="¥ 4,800.00",
            seller_id="huaxin-data",
            keywords=("UKB", "英国生物样本库", "蛋白组", "网盘"),
            image_count=2,
            min_order="1 份",
        ),
    ]
