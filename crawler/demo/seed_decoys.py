"""Seeded decoy offers: near misses that must not alert, and unrelated noise.

The text reads the way Alibaba.com / 1688 listings read (keyword-stuffed titles, spec lines,
"biobank" thrown into keywords).  ``near_miss`` offers mention a biobank or even UK Biobank but
sell freezers, tubes, labels, papers, books, courses, consulting or application help;
``noise`` is unrelated lab kit, reagents and t-shirts.  Their order is the search-result order.
"""

from __future__ import annotations

from crawler.demo.models import DemoAttachment, DemoListing
from crawler.demo.samples import CSV_TYPE, csv_bytes

_FREEZER_SPEC = csv_bytes(
    [
        ["model", "capacity_l", "temperature_range_c", "power_w", "racks", "net_weight_kg"],
        ["HX-86L728", "728", "-40 to -86", "1100", "20", "286"],
        ["HX-86L588", "588", "-40 to -86", "950", "16", "245"],
        ["HX-86L338", "338", "-40 to -86", "780", "10", "188"],
    ]
)


def seed_decoy_offers() -> list[DemoListing]:
    """Return the near-miss and noise offers in search-result order."""
    return [
        DemoListing(
            id="1600512873041",
            kind="offer",
            label="near_miss",
            language="en",
            title="-86°C Ultra Low Temperature Freezer 728L Upright, for Biobank, Hospital & Lab",
            description=(
                "Upright ULT freezer, -40°C to -86°C adjustable, dual cascade refrigeration.\n"
                "Capacity 728 L, holds 576 standard 2-inch cryoboxes (20 racks).\n"
                "Ideal for biobank sample storage, hospital blood banks and research labs.\n"
                "CE / ISO 13485 certified. Spec sheet attached; OEM and ODM accepted."
            ),
            price="US$ 4,380.00 - 5,200.00",
            seller_id="hanxue-cryo",
            keywords=("ult freezer", "-80 freezer", "biobank", "laboratory freezer"),
            attachments=(
                DemoAttachment(
                    filename="HX-86L_spec.csv", content_type=CSV_TYPE, data=_FREEZER_SPEC
                ),
            ),
            image_count=3,
            min_order="1 unit",
        ),
        DemoListing(
            id="1600377104958",
            kind="offer",
            label="noise",
            language="en",
            title="Benchtop High Speed Micro Centrifuge 16000 rpm, 24 x 1.5/2.0 ml Rotor",
            description=(
                "Max speed 16,000 rpm / 21,380 x g, brushless DC motor, LCD display.\n"
                "Rotor: 24 x 1.5/2.0 ml; optional 8-strip PCR rotor.\n"
                "For clinical labs, universities, biobank and hospital use."
            ),
            price="US$ 399.00 - 459.00",
            seller_id="lanke-bio",
            keywords=("centrifuge", "microcentrifuge", "lab equipment", "biobank", "hospital"),
            image_count=2,
            min_order="1 piece",
        ),
        DemoListing(
            id="738201945617",
            kind="offer",
            label="near_miss",
            language="zh",
            title="生物样本库 超低温冰箱 -86℃ 立式 医用 588L 双系统制冷",
            description=(
                "温度范围 -40℃ ~ -86℃，双压缩机复叠制冷，一台故障另一台可维持 -70℃。\n"
                "有效容积 588L，适用于医院、疾控、高校实验室及生物样本库长期保存样本。\n"
                "支持远程温度报警、USB数据导出。厂家直销，全国联保，可开专票。"
            ),
            price="¥ 32,800.00",
            seller_id="hanxue-cryo",
            keywords=("超低温冰箱", "生物样本库", "医用冰箱", "-80冰箱", "biobank freezer"),
            image_count=3,
            min_order="1 台",
        ),
        DemoListing(
            id="1600620045318",
            kind="offer",
            label="noise",
            language="en",
            title="Nitrile Examination Gloves Powder-Free <script>alert(document.cookie)</script> 100/box",
            description=(
                "Powder-free nitrile gloves, textured fingertips, 3.5 mil, sizes S/M/L/XL.\n"
                "<b>HOT SALE</b> <img src=x onerror=alert(1)> Lab, clinic, biobank and food use."
            ),
            price="US$ 2.10 - 2.90",
            seller_id="lanke-bio",
            keywords=("gloves", "nitrile", "lab", "hospital", "biobank"),
            image_count=1,
            min_order="1000 boxes",
        ),
        DemoListing(
            id="1600233319874",
            kind="offer",
            label="near_miss",
            language="en",
            title="Biobank Cryovial 2ml Self-Standing, External Thread, Sterile, 500 pcs/case",
            description=(
                "Polypropylene cryogenic vials, 2.0 ml, external thread with silicone O-ring.\n"
                "Graduated, write-on area, withstands -196°C (vapour phase liquid nitrogen).\n"
                "DNase/RNase free, non-pyrogenic. Widely used in biobank and cell banking."
            ),
            price="US$ 0.05 - 0.08",
            seller_id="lanke-bio",
            keywords=("cryovial", "cryogenic vial", "biobank", "sample tube", "2ml"),
            image_count=2,
            min_order="5000 pieces",
        ),
        DemoListing(
            id="736650218844",
            kind="offer",
            label="near_miss",
            language="zh",
            title="冻存管 2ml 生物样本库专用 外旋 自立 灭菌 500支/箱",
            description=(
                "医用级聚丙烯材质，外旋盖带硅胶垫圈，可耐受液氮气相 -196℃。\n"
                "带刻度和书写区，无DNA酶/RNA酶，适用于生物样本库、细胞库、血液样本存储。"
            ),
            price="¥ 0.35 - 0.60",
            seller_id="lanke-bio",
            keywords=("冻存管", "生物样本库", "样本管", "cryovial"),
            image_count=1,
            min_order="500 支",
        ),
        DemoListing(
            id="741908823365",
            kind="offer",
            label="noise",
            language="zh",
            title="纯棉短袖T恤 定制LOGO 实验室团队服 文化衫 印字 批发",
            description=(
                "180g 精梳棉，圆领短袖，S-4XL 全码。\n"
                "支持丝印、热转印、刺绣，实验室、课题组、公司团建均可定制。7天发货。"
            ),
            price="¥ 12.50 - 18.00",
            seller_id="chenguang-apparel",
            keywords=("T恤", "文化衫", "定制", "团队服"),
            image_count=3,
            min_order="50 件",
        ),
        DemoListing(
            id="1600784412093",
            kind="offer",
            label="near_miss",
            language="en",
            title="UK Biobank Research Papers Collection: 300 Landmark Publications (Open Access PDF)",
            description=(
                "A curated compilation of 300 open-access papers that used UK Biobank data:\n"
                "cardiovascular risk, sleep and dementia, accelerometry, imaging, genomics.\n"
                "Published articles only (CC BY licence); no participant data included.\n"
                "Instant e-mail delivery of the PDF bundle and a citation list (RIS/BibTeX)."
            ),
            price="US$ 19.90",
            seller_id="grds-hk",
            keywords=("uk biobank", "research papers", "epidemiology", "ebook"),
            image_count=1,
            min_order="1 piece",
        ),
        DemoListing(
            id="1600358876120",
            kind="offer",
            label="noise",
            language="en",
            title="Adjustable Micropipette Set 0.5-1000 µl, 4 pcs with Linear Rack",
            description=(
                "Four single-channel pipettes: 0.5-10, 10-100, 20-200, 100-1000 µl.\n"
                "Fully autoclavable, calibration certificate included.\n"
                "Suits molecular biology, clinical and biobank labs."
            ),
            price="US$ 135.00 - 168.00",
            seller_id="lanke-bio",
            keywords=("pipette", "micropipette", "lab", "biobank"),
            image_count=2,
            min_order="1 set",
        ),
        DemoListing(
            id="1600145590736",
            kind="offer",
            label="near_miss",
            language="en",
            title="Stainless Steel Cryobox Storage Rack for -80°C Biobank Freezer, 5 x 4, 2-inch Boxes",
            description=(
                "Vertical rack holds 20 standard 2-inch cryoboxes (81 or 100 positions).\n"
                "304 stainless steel, fits most upright ULT freezers. Sample inventory made easy."
            ),
            price="US$ 28.00 - 35.00",
            seller_id="hanxue-cryo",
            keywords=("freezer rack", "cryobox rack", "biobank", "-80"),
            image_count=2,
            min_order="10 pieces",
        ),
        DemoListing(
            id="1600803317425",
            kind="offer",
            label="noise",
            language="en",
            title="PCR 8-Strip Tubes 0.2 ml with Flat Caps, Clear, 125 Strips/Box",
            description=(
                "Thin-wall PCR tubes for uniform heat transfer, fits 96-well thermal cyclers.\n"
                "For genomics, sequencing cores and biobank DNA QC."
            ),
            price="US$ 6.50 - 8.00",
            seller_id="lanke-bio",
            keywords=("pcr tubes", "8-strip", "genomics", "biobank"),
            image_count=1,
            min_order="20 boxes",
        ),
        DemoListing(
            id="739914462081",
            kind="offer",
            label="near_miss",
            language="zh",
            title="UK Biobank 数据分析实战课程 R语言 孟德尔随机化 零基础入门 录播+答疑",
            description=(
                "手把手教你用 UK Biobank 公开数据字典设计课题、申请数据、完成分析和发表论文。\n"
                "内容：队列研究设计、Cox 回归、孟德尔随机化、NHANES 与 UKB 对比。\n"
                "本课程不提供任何原始数据，学员需自行通过官方渠道申请。赠送代码和讲义。"
            ),
            price="¥ 699.00",
            seller_id="huaxin-data",
            keywords=("UK Biobank", "课程", "生信分析", "孟德尔随机化", "R语言"),
            image_count=1,
            min_order="1 套",
        ),
        DemoListing(
            id="1600266054789",
            kind="offer",
            label="noise",
            language="en",
            title='"Keep Calm and Pipette On" Unisex Cotton T-Shirt, Custom Print, MOQ 50',
            description=(
                "100% cotton, 180 gsm, screen or DTG print. Sizes XS-3XL.\n"
                "Great gift for lab teams, conferences and science outreach."
            ),
            price="US$ 2.80 - 4.50",
            seller_id="chenguang-apparel",
            keywords=("t-shirt", "custom print", "science", "lab gift"),
            image_count=2,
            min_order="50 pieces",
        ),
        DemoListing(
            id="740126693358",
            kind="offer",
            label="near_miss",
            language="zh",
            title="UK Biobank 申请代办 英国生物样本库数据库申请 协助撰写申请书 通过率高",
            description=(
                "专业团队协助完成英国生物样本库(UK Biobank)官方 AMS 平台注册与项目申请。\n"
                "服务内容：研究方案撰写、字段筛选、伦理材料、与官方沟通。\n"
                "数据由 UK Biobank 官方授权发放到贵单位账户，我们不提供、不转售任何数据。"
            ),
            price="¥ 3,000.00 - 8,000.00",
            seller_id="huaxin-data",
            keywords=("UK Biobank", "申请代办", "英国生物样本库", "科研服务"),
            image_count=1,
            min_order="1 次",
        ),
        DemoListing(
            id="1600450981266",
            kind="offer",
            label="noise",
            language="en",
            title="Taq DNA Polymerase 2x PCR Master Mix with Dye, 5 ml",
            description=(
                "Ready-to-use 2x mix with loading dye; amplifies fragments up to 5 kb.\n"
                "Store at -20°C. 200 reactions of 50 µl."
            ),
            price="US$ 18.00 - 25.00",
            seller_id="lanke-bio",
            keywords=("taq", "pcr", "master mix", "reagent"),
            image_count=1,
            min_order="2 pieces",
        ),
        DemoListing(
            id="1600587730162",
            kind="offer",
            label="near_miss",
            language="en",
            title="China Kadoorie Biobank (CKB) & FinnGen Data Analysis Consulting, Manuscript Support",
            description=(
                "Statistical consulting for researchers with approved access to China Kadoorie"
                " Biobank, FinnGen or All of Us.\n"
                "We help with access applications, analysis plans, survival models and"
                " manuscript editing. We never supply or resell cohort data."
            ),
            price="US$ 500.00 - 3,000.00",
            seller_id="grds-hk",
            keywords=("biobank", "ckb", "finngen", "all of us", "consulting"),
            image_count=1,
            min_order="1 project",
        ),
        DemoListing(
            id="737780551420",
            kind="offer",
            label="noise",
            language="zh",
            title="液氮罐 35升 铝合金 实验室 运输型 细胞冻存 生物样本储存",
            description=(
                "容积 35L，口径 50mm，静态蒸发率 ≤0.18 L/天，配 6 个提筒。\n"
                "适用于精液、细胞株、疫苗运输和实验室生物样本短期储存。"
            ),
            price="¥ 1,280.00",
            seller_id="hanxue-cryo",
            keywords=("液氮罐", "生物容器", "冻存", "biobank"),
            image_count=2,
            min_order="1 个",
        ),
        DemoListing(
            id="1600119947605",
            kind="offer",
            label="noise",
            language="en",
            title="Phosphate Buffered Saline (PBS) 10X, pH 7.4, 500 ml, Sterile Filtered",
            description="Cell-culture grade 10X PBS without calcium and magnesium. Dilute 1:10.",
            price="US$ 9.00 - 12.00",
            seller_id="lanke-bio",
            keywords=("pbs", "buffer", "cell culture", "reagent"),
            image_count=1,
            min_order="10 bottles",
        ),
        DemoListing(
            id="1600694420378",
            kind="offer",
            label="near_miss",
            language="en",
            title="All of Us Research Program Data Guide + UK Biobank Methods Handbook, 2-Book Set",
            description=(
                "Two paperback guides to working with large biobank cohorts: study design,"
                " data dictionaries, access procedures and reproducible pipelines.\n"
                "Printed books; no datasets or participant-level data included."
            ),
            price="US$ 45.00",
            seller_id="grds-hk",
            keywords=("book", "uk biobank", "all of us", "biobank", "epidemiology"),
            image_count=1,
            min_order="1 set",
        ),
        DemoListing(
            id="1600275513690",
            kind="offer",
            label="noise",
            language="en",
            title="Digital Thermostatic Water Bath, 6 Holes, RT+5 to 100°C",
            description="Stainless steel chamber, PID control, ±0.1°C. Lab, hospital, biobank use.",
            price="US$ 120.00 - 150.00",
            seller_id="hanxue-cryo",
            keywords=("water bath", "lab equipment", "biobank"),
            image_count=2,
            min_order="1 unit",
        ),
        DemoListing(
            id="1600340069927",
            kind="offer",
            label="near_miss",
            language="en",
            title="Cryogenic Barcode Labels for Biobank Tubes, -196°C to +150°C, 1000 Labels/Roll",
            description=(
                "Polyester labels with permanent adhesive for cryovials and PCR tubes.\n"
                "Survive liquid nitrogen and autoclave; thermal transfer printable."
            ),
            price="US$ 15.00 - 22.00",
            seller_id="lanke-bio",
            keywords=("cryo labels", "biobank", "barcode", "cryovial"),
            image_count=1,
            min_order="10 rolls",
        ),
        DemoListing(
            id="1600416625543",
            kind="offer",
            label="noise",
            language="en",
            title="Vortex Mixer 3000 rpm, Touch and Continuous Mode",
            description="Orbital 4 mm, speed 0-3000 rpm, cast metal base. For tubes up to 50 ml.",
            price="US$ 45.00 - 60.00",
            seller_id="hanxue-cryo",
            keywords=("vortex", "mixer", "lab equipment"),
            image_count=1,
            min_order="1 piece",
        ),
        DemoListing(
            id="742605518830",
            kind="offer",
            label="noise",
            language="zh",
            title='科研人 文化衫 "P<0.05" 搞笑T恤 纯棉 男女同款',
            description="印花：P<0.05 & Reviewer #2。纯棉 200g，不起球不变形。",
            price="¥ 29.00",
            seller_id="chenguang-apparel",
            keywords=("T恤", "科研", "搞笑", "文化衫"),
            image_count=2,
            min_order="2 件",
        ),
        DemoListing(
            id="1600527780046",
            kind="offer",
            label="noise",
            language="en",
            title="Laboratory Coat, White Cotton Twill, Unisex, Size S-XXL",
            description="Knee length, 3 pockets, snap buttons. Custom embroidery available.",
            price="US$ 5.50 - 7.80",
            seller_id="chenguang-apparel",
            keywords=("lab coat", "workwear", "uniform"),
            image_count=1,
            min_order="100 pieces",
        ),
    ]
