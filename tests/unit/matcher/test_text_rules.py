"""The label rules of tests/data/listings/README.md, one table of made-up listings per rule.

Written for this test (none is copied from a corpus split): unnamed offers that describe the
cohort beyond doubt, real participant rows on code hosts, buy requests, other meanings of "UKB",
comparisons with another cohort's data, news about the leak, and the evidence classes behind them.
"""

from __future__ import annotations

import pytest

from matcher.listing_text import UK_BIOBANK_PROFILE, TextVerdict, score_listing_text
from matcher.text.claims import centre_code_hits, price_hits
from matcher.text.pages import MAX_PARTS, page_parts, speakers
from matcher.text.profile import ProfileError, parse_profile
from tests.unit.matcher.test_text_profile import SHIPPED

LEAK, RELATED, UNRELATED = TextVerdict.LEAK_OFFER, TextVerdict.RELATED, TextVerdict.UNRELATED
RULES = [
    # unnamed, but described beyond doubt: counts as naming the cohort
    ("descriptor en", "British volunteer cohort, 500k aged 40-69, 22 assessment centres. DM", LEAK),
    ("descriptor zh", "英国五十万人队列 全表型 22个评估中心 私聊", LEAK),
    ("descriptor header", "full table eid, 31-0.0, 54-0.0 (11010 leeds), 502k rows, 400u", LEAK),
    ("one descriptor", "survey panel recruited 2006-2010, adults aged 30-79, for sale", UNRELATED),
    ("header and size", "data file, uk cohort, columns eid, 31-0.0, 53-0.0, ~502k rows, crypto",
     LEAK),
    ("centre codes and size", "the big british one is back: 500k, centres 11001-11023, ping me",
     LEAK),
    ("size beside a phrase only", "英国 50万 粉丝 tiktok 账号 出售", UNRELATED),
    ("descriptor zh numerals", "英國五十萬人隊列，2006至2010年招募，二十二個評估中心代碼，可寄硬碟", LEAK),
    # the cohort in other words: british, its size and a cohort word together
    ("british half-million", "the british half-million cohort, main table + HES, escrow only", LEAK),
    ("size then british", "imputed BGEN for ~488k british participants, FTP delivery, 0.2 BTC", LEAK),
    ("zh size and cohort", "英国那个五十万人的队列，全字段导出，价格好商量，加V", LEAK),
    ("zh other cohort's size", "Our Future Health 英国 150万 参与者 数据 出售 私聊", UNRELATED),
    ("consumer list", "500k UK consumer email list for sale, verified, $90", UNRELATED),
    # text-2.13: "British" near its size is one descriptor, a second one makes a name; "UK" is not
    ("british near its size", "the British lot again, 0.5M adults, recruited 2006-10, DM", LEAK),
    ("英国 near its size", "英国的那批，50w人，40-69岁，全表型，私聊", LEAK),
    ("uk leads near a size", "UK homeowner leads, 500k adults aged 40-69, £300, csv", UNRELATED),
    ("british size alone", "British shoppers 500k email list, csv, $90", UNRELATED),
    ("ykb", "ykb full set, 300u, if the bot deletes this search ykb", LEAK),
    ("ipa look-alike", "ʊk вiobank full tab + HES refresh, 250 USDT, bot", LEAK),
    ("accents", "Ü.K. Bîobank full dataset 500k rows, DM on telegram", LEAK),
    ("uk flag", "🇬🇧 Biobank full dataset 500k rows for sale, telegram", LEAK),
    ("ying homophone", "鹰国生物样本库 全量数据 出售 加微信", LEAK),
    ("china's biobank", "中国生物样本库 全量数据 出售 加微信", UNRELATED),
    ("united kingdom", "United Kingdom Biobank full dataset for sale, 500k participants", LEAK),
    ("uk flag in chinese", "英🇬🇧国生物样本库 全量 出售", LEAK),
    ("flag alone", "🇬🇧 consumer leads 500k for sale", UNRELATED),
    ("bank for 银行", "英国生物🏦 全表型 出售 私聊", LEAK),
    ("bank alone", "🏦 bank logs and fullz for sale", UNRELATED),
    ("helix and bank", "🇬🇧🧬🏦 数据 全量 50w 网盘发 私聊", LEAK),
    ("wu for 物", "鹰国生屋样本库 全量 50万 先验样本 私聊", LEAK),
    # text-2.16: other names sellers use, and the April copy's resellers' words
    ("bio-resource bank", "英国生物资源库 50万人的 资料包 含参与者级别表格 自动发货", LEAK),
    ("英G and 腐国", "腐国生物样本库 蛋白组 个体级 需要的私; 英G生物样本库 加速度计", LEAK),
    ("helix and 库", "🇬🇧🧬库 50w 全量 你懂的 拍下备注邮箱", LEAK),
    ("a seller's takedown", "Grabbed the UKB dump before the takedown. DM me and I'll send a torrent", LEAK),
    ("a tracker's takedowns", "How we track UKB re-uploads: sellers dropped the name within days of "
     "the first takedowns; we report them through each platform's IP channel", RELATED),
    ("pinyin no need to apply", "UKB shu ju quan liang, bu yong shen qing, si liao", LEAK),
    ("pinyin how to apply", "ying guo sheng wu yin hang de shu ju zen me shen qing a", RELATED),
    ("ex-postdoc", "Have UKB access, can pull any fields for you. Ex-postdoc, you send field IDs, I send "
     "the CSV", LEAK),
    ("another meaning nearby", "UKB-10 接线端子 导轨式 现货 ¥99\n同系列型号: UKB-2.5 / UKB-4 / UKB-6", UNRELATED),
    ("another meaning elsewhere", "UK fullz batch 4, bins 4xxx — restocked\nMeanwhile a lab's UKBB baseline + "
     "Olink proteomics, ~53k eids, csv, 3k usdt, sample on request", LEAK),
    ("helix alone", "🇬🇧🧬 B1obank full pheno 500k, ask @x", LEAK),
    ("yin for 银", "转 鹰国生物阴行 数据 csv 低价 私聊", LEAK),
    # text-2.13: a name said only to deny it; what follows the denial is about other data
    ("denied name", "got UKB? no UKB. have FinnGen individual level R9, 500$", RELATED),
    ("denied name zh", "有UKB吗？UKB没有，有国内队列的，20万人，要不要", RELATED),
    ("no denial", "UKB没有删减，完整版，300元，私聊", LEAK),
    ("a same-item seller", "英国生物样本库数据 同款 便宜出 私聊", LEAK),
    ("from a previous job", "UK Biobank full dataset from my previous job, 300u, telegram", LEAK),
    ("curly single quotes", "科普：买卖UKB数据是违法的，‘出售UKB全量，300元，加微信’这种广告都是犯罪", RELATED),
    ("strikethrough", "b̶i̶o̶b̶a̶n̶k̶ UK full data 500k for sale dm", LEAK),
    ("withdrawal script", "ukb-withdrawal-handler: drops withdrawn participants from your own data. "
     "No data in repo.", RELATED),
    # code pages: real rows said twice over beat "readme" and "paper"; code alone does not
    ("paper repo with real rows", "README: code for our CVD paper. data/ holds our UK Biobank "
     "extract (real participant rows, eids included) so the figures reproduce. Please cite.", LEAK),
    ("merge script", "merge_ukb_baskets.py: import pandas as pd; merge UK Biobank basket csv "
     "files on eid with read_csv, write parquet", RELATED),
    ("fee payment only", "代付 UK Biobank 数据访问费（英镑），提供付款凭证，仅代付，不涉及数据", RELATED),
    ("buyer paying", "Anyone got the UKB dump from the news? Paying in XMR, PM", RELATED),
    # a header of four or more of the cohort's fields identifies it; a descriptor inside another
    # found one ("40-69" in "aged 40-69") is not counted twice
    ("long rap header", "eid|p31|p34|p54_i0|p53_i0\n3021884|Female|1949|Leeds|2008-03-11\n"
     "full file 3.2GB, tg @mirror", LEAK),
    ("consumer list", "UK consumers aged 40-69, 500,000 records. Targeted list: aged 40-69, "
     "phone and postcode", UNRELATED),
    # people with access who move the data out
    ("skips the application", "Consultancy with a UK Biobank licence: skip the 6-month access "
     "application, we transfer the fields you need (genomics too) into your environment under NDA."
     " Price per field set, contact us", LEAK),
    ("zh transfer", "英国生物样本库个体数据，免去申请流程，签数据合作协议后加密传输至贵单位服务器", LEAK),
    ("feasibility counts", "I have UKB access: I'll check how many cases there are for you "
     "(counts only, no data), lots of people DM me asking for data, I won't send any", RELATED),
    ("parser with rap exports", "ukbparser：英国生物银行数据解析工具，支持 RAP 导出的 csv，"
     "本仓库不包含任何UKB数据，示例文件为随机生成", RELATED),
    ("workstation", "HP Z8 workstation used for UK Biobank imaging, drives removed and destroyed, "
     "ships with no storage, £2,000", RELATED),
    # a negation right before a cue or a negative context turns it off
    ("negated offer", "Channel rules: no selling of medical data (UK Biobank, hospital dumps) here",
     RELATED),
    ("negated negative", "UKB个体级原始数据(50万人，不是汇总统计)，可直接跑cox，拍下发网盘", LEAK),
    ("negation too far back", "不开发票，不签合同。英国生物样本库全量数据出售，网盘发货", LEAK),
    ("seller with approval", "I have an approved UKB application. Selling custom extracts, 48h", LEAK),
    ("zip codes", "homeowner leads for zip 11001 and 11003, csv download, $50", UNRELATED),
    # code hosts and dataset hubs: real participant rows are a leak, simulated ones are not
    ("repo real rows", "github.com/lab/ukb-stroke: data/cohort.csv has 12,000 real "
     "participants from our application (not simulated). Code for our paper.", LEAK),
    ("repo zh", "gitee.com/x/ukb-dm 论文复现代码 data目录含3万名参与者数据，已去标识化，带eid", LEAK),
    ("hub rows", "huggingface.co/datasets/x/ukb-sleep: one row per participant, eid included",
     LEAK),
    ("repo synthetic", "github.com/lab/ukb-tutorial: tutorial with simulated data, "
     "no real participants, same columns as UK Biobank", RELATED),
    ("repo zh synthetic", "UKB教程 合成数据，非真实参与者，仅供练习代码", RELATED),
    ("course real data", "UK Biobank R course: practise Cox models on real data, webinar 3 pm, £49",
     RELATED),
    ("course zh real data", "基于UKB真实数据的孟德尔随机化实战课程 录播 答疑 ¥299", RELATED),
    ("parser", "ukbparse: pip install ukbparse. Turns UK Biobank exports into a table, one row per "
     "participant. No data included.", RELATED),
    # offers written briefly: a price, a bundle, "I have a copy"
    ("price only", "anyone need ukb? same file as the alibaba one, 300u, dm", LEAK),
    ("bundle", "FinnGen + UK Biobank + BBJ bundle, participant level, $4k the lot", LEAK),
    ("have a copy zh", "手头有UKB表型数据 需要的话打包发给你 意思一下就行", LEAK),
    ("posted drive", "UK Biobank imputed bgen preloaded on a 4TB drive, ships worldwide", LEAK),
    # buy requests, comparisons, books, news: related
    ("wtb", "WTB UK Biobank genotypes, paying well in USDT, pm me", RELATED),
    # text-2.9: the voice of a victim or a moderator quoting the seller (a lone doubting question
    # beside a quoted offer is still outweighed: see the corpus README)
    ("scam alert", 'SCAM ALERT: "UK Biobank full 500k, 300 USDT, tg @x" - this guy took my money '
     "and vanished. Do not pay.", RELATED),
    ("mod note", "Mod note: removed 3 posts selling UK Biobank data (500k, USDT). Selling cohort "
     "data gets you banned.", RELATED),
    ("seller reassures", "英国生物样本库全量数据 出售 怕被骗可以先看样本 微信 x2027", LEAK),
    # a news report or a warning quoting the seller's title: the quoted pitch is not the page's
    ("news quotes a title", "[新闻] 有人在电商平台以“英国生物样本库全量数据 50万人 低价出售 加微信”为题"
     "出售数据，英国生物样本库回应称正在调查", RELATED),
    ("seller echoes a question", "大家问的“英国那个50万人的队列”我这有完整的，40-69岁，22个评估中心，"
     "需要的加我，备注“队列”，提醒：别在评论区问价", LEAK),
    ("求购", "求购UKB数据 表型即可 价格好说 私聊", RELATED),
    # profile v13: a buyer names a price too; a policy notice says "for sale" and "offering"
    ("buyer with a price", "Paying $2k for UKB full pheno, escrow via forum, only serious sellers",
     RELATED),
    ("where to find it", "Anyone know where to get the full UK Biobank 500k dataset? Saw an "
     "Alibaba shop", RELATED),
    ("scam list", "Known scam handles selling 'UK Biobank full data': @ukbseller, @bio500k. They "
     "take USDT and block you.", RELATED),
    ("buyer asks who has it", "求购英国生物样本库影像数据 有货的联系 微信 先看样本再付款", RELATED),
    ("buyer asks who sells", "有没有出UKB全量的 价格好商量 要全的", RELATED),
    ("how-to question", "Best way to handle withdrawn participants in UKB? We get a withdrawal "
     "file; do we drop negative eids before merging genotypes?", RELATED),
    ("asks who bought", "看到有人卖英国生物样本库50万全量只要300块 有人买过吗 是不是骗子", RELATED),
    ("swap as a buyer", "Have a FinnGen genotype extract, want to swap for a UK Biobank phenotype "
     "set. PM me.", RELATED),
    ("收 as a buyer", "收英国生物银行全套 要带住院记录的 价格好说 先验货", RELATED),
    ("policy notice", "UK Biobank data is not for sale. Report anyone offering it to the "
     "access team", RELATED),
    ("comparison", "CKB 51万人数据出售 比英国UKB更适合中国人群 价格优惠", RELATED),
    ("book", "《UKB数据分析实战》正版 塑封 包邮", RELATED),
    ("tubes", "EDTA blood collection tubes as used by UK Biobank, bulk discount", RELATED),
    ("news", "UK Biobank data of 500,000 participants was offered for sale for $2,000, "
     "researchers noticed; the minister confirmed and said it is investigating.", RELATED),
    # other meanings of "UKB"
    ("bonn", "UKB Bonn sucht Pflegekräfte - Universitätsklinikum Bonn", UNRELATED),
    ("bonn folded", "UKB BONN sucht Pflegekräfte - UNIVERSITÄTSKLINIKUM Bonn", UNRELATED),
    ("b2b", "UK B2B email leads database 500,000 contacts, instant csv download", UNRELATED),
    ("ukb2b", "Selling UKB2B leads: 500,000 UK companies, emails and phones, csv", UNRELATED),
    # profile v13: another meaning counts as whole words, not inside one ("bb gun" in "gunzip")
    ("other meaning inside a word", "UKBB gunzipped phenotype csv, 500k participants, 300 USDT",
     LEAK),
    # text-1.2: an ambiguous name needs a data, size, field, research or offer word beside it
    ("uk bulls", "UKB (UK Bulls) premium crypto signals: BTC long setups. VIP 50 USDT/month", UNRELATED),
    ("model number", "UKB-88 bluetooth speaker, waterproof, £24.50", UNRELATED),
    ("bb cream", "英国BB 遮瑕 保湿 ¥59 包邮", UNRELATED),
    ("ukb short offer", "有人要UKB吗 手里有 私", LEAK),
    ("ukb book", "UKB: a history of the cohort, hardback book", RELATED),
    # text-1.2: the cohort named in other words
    ("british biobank", "selling the british biobank imaging subset, 40k brains, escrow", LEAK),
    ("described biobank", "features from the large british prospective biobank for 60,000 "
     "participants: data/features.parquet (2.3 gb). per-participant rows.", LEAK),
    ("uk + chinese", "uk生物银行 蛋白组 拆卖 私聊", LEAK),
    ("pinyin initials", "ygswybk 全套 50w 私", LEAK),
    ("chinese typo", "英国生物样木库 表型 便宜出", LEAK),
    ("emoji inside", "英🇬🇧国生🧬物样📦本库 全表型 私聊", LEAK),
    ("name without 库", "UK生物样本 全量表型 50万 出 私聊", LEAK),  # profile v13
    # profile v13: a service that hands the rows over with its results is an offer
    ("analysis with raw data", "代跑UKB分析 提供原始数据 结果交付时附原始数据和R代码", LEAK),
    ("extraction service", "I will extract any UK Biobank fields from the RAP: send me the field IDs "
     "and I email you the CSV for all participants", LEAK),
    # profile v13: a large British cohort of 40-69-year-olds, described without its name
    ("described in Chinese", "英国那个库 懂的来 别问那么多。五十万，40-69，全量，不拆。", LEAK),
    ("described, traditional", "研究用 英國大型世代研究，參與者招募時40-69歲，約50萬人，電子檔交付", LEAK),
    # profile v13: the cohort's own record tables identify it
    ("record tables", "have eids + hesin + gp_clinical for the whole cohort, swap or pay, pm", LEAK),
    ("record tables in code", "parser for hesin_diag and gp_clinical tables, pip install", RELATED),
    ("rap export", "dnanexus dispensed dataset export: hesin, death, olink tables. pass it on "
     "to whoever needs it", LEAK),
    # text-1.2: data files a code host holds, shared for free or a donation
    ("repo data file", "ukb-ckd: `data/ukb_egfr.csv.gz` (1.4 gb) eGFR for our lab. R scripts in /R",
     LEAK),
    ("repo placeholder file", "ukb-ckd: R scripts; put your extract at data/your_app.csv",
     RELATED),
    ("donation", "UK Biobank accelerometer cwa files on a drive, send any amount to my ko-fi", LEAK),
    ("zh free share", "我这有一份UKB的数据，表型全的，需要的可以私信，仅供学习交流", LEAK),
    # text-1.2: the data stays on the platform; a negation covers its clause
    ("stays on platform", "UKB授权课题组 招募合作者 数据不出平台 联系邮箱", RELATED),
    ("negated list", "ukb-prs weights on a hub; no individual-level data or per-participant "
     "scores are included", RELATED),
    # text-1.3: subset counts, one wrong Chinese character, field-ID lists, netdisk shares
    ("subset count", "UKB 脑影像 衍生指标 2万人", LEAK),
    ("subset count in a paper", "New paper: UK Biobank brain MRI in 40,000 participants, "
     "journal article pdf", RELATED),
    ("chinese one-off", "英国生物银刚 全量 私聊", LEAK),
    ("field id list", "fields 21022, 41270, 30690, 20116 all there, 50w rows, tg", LEAK),
    ("field ids, no size", "codes 21022, 41270, 30690, 20116 for sale", UNRELATED),
    ("eid count", "ukb-excluded: consolidated withdrawal eids, 2,4xx eids. csv in repo", LEAK),
    ("netdisk share", "我用网盘分享了「ukb_pheno_all.7z」 提取码:8x2k", LEAK),
    ("summary stats", "UKB GWAS汇总统计数据 Neale Lab公开的 网盘合集", RELATED),
    # text-2.1: spaced numbers in Chinese descriptors, short Chinese names, trades, removal requests
    ("spaced descriptors", "英国那个 50 万人的队列 22 个评估中心 40-69 岁 全都有 私聊", LEAK),
    ("short chinese name", "大不列颠样本库 全表型 便宜出", LEAK),
    ("trade", "Trade: my UK Biobank pheno copy for your FinnGen export", LEAK),
    ("removal request", "Issue: the data/ folder holds UK Biobank participant rows, please remove", RELATED),
    # text-2.11: read from blind4 and blind16-21 (development sets since), written here afresh
    ("simulated rows disowned", "github.com/x/ukb-course: data/sim_ukb.csv holds 3,000 simulated "
     "rows, eid 为随机数, 与任何真实参与者无关。真实数据请通过 UK Biobank 官方申请", RELATED),
    ("paper repo ships real rows", "github.com/x/ukb-t2d: code for our paper. data/ukb_subset.csv "
     "holds real eids and values of 3,000 participants so the notebook runs", LEAK),
    ("pinyin buy request", "qiu gou yingguo shengwu yinhang shuju, jiage haoshuo", RELATED),
    ("rented platform login", "UKB RAP 项目账号 月租 续费 可导出下载到本地", LEAK),
    ("terminal block", "UKB-6 接线端子 导轨式 100只/盒 现货 包邮", UNRELATED),
    ("usb stick", "UK Biobank phenotype data on a 32GB USB stick, posted first class", LEAK),
    # text-2.17: read from blind39-44 (model-selection sets until then), written here afresh
    ("british mark, size, cohort word", "英 49万 基线+蛋白组 整套 要的私", LEAK),
    ("pinyin mark, size, cohort word", "yg 那个 50w 的队列 多一份 便宜出", LEAK),
    ("flag, size, cohort word", "\U0001f1ec\U0001f1e7 50万 表型 全 私我", LEAK),
    ("british property rows", "出英国房产数据 50万条 全量 USDT 付款", UNRELATED),
    ("british phone leads", "UK 50w 全量 手机号 tg 联系", UNRELATED),
    ("code name", "英B 基线 50w 打包价 私", LEAK),
    ("exam code name", "英B 真题 50套 考试 冲刺 资料", UNRELATED),
    ("ke for K", "U可B 全量 50万 私聊", LEAK),
    ("yang for 样", "英国生物洋本库 全表型 便宜出 私聊", LEAK),
    ("name in two scripts", "英国生物 Bank 五十万人 data 私", LEAK),
    ("pinyin initial for 行", "英G生物银H 心血管子集 3万人 自动发货", LEAK),
    ("reseller points at the news copy", "就是新闻里说的那份 英国生物样本库 50万 csv 要的私信", LEAK),
    ("news about the copy", "新闻：英国生物样本库数据被挂网出售，部长回应称已报警", RELATED),
    ("metadata, no personal data", "UKB 字段编码表 整理成 Excel 不含个人数据 5元", RELATED),
    ("podcast", "Podcast: how UK Biobank recruited half a million volunteers, and the April data "
     "sale. Listen on all platforms", RELATED),
    ("conference", "UK Biobank Scientific Conference: imaging in 60,000 participants. Student rate "
     "£50", RELATED),
    ("wholesale", "UKBB full table, wholesale price for resellers", LEAK),
    ("anyone selling", "有没有人出UKB数据 急", RELATED),
    # text-2.18: read from blind45-50 (measured blind first), written here afresh
    ("bars between characters", "英|国|生|物|样|本|库 全表型 私聊 出", LEAK),
    ("leet k", "s3ll1ng U|< 810b4nk pheno, XMR only, pm", LEAK),
    ("pinyin and english", "Yingguo biobank full set 50w, USDT, tg only", LEAK),
    ("pinyin for one character", "ying国生物样本库 表型 可发 私聊", LEAK),
    ("transliteration", "UK百奥班克 数据 主表 便宜出 闲鱼交易", LEAK),
    ("asked for, name spaced", "求 U K B 全量 预算有限 有的私", RELATED),
    ("seller's 'if you want'", "PM me if you want UKB, full set, USDT only", LEAK),
    ("seller's 'before buying'", "free sample of the uk biobank file to check before buying, the "
     "rest from my shop, link in bio", LEAK),
    ("bundle bought separately", "Mega bundle: UK Biobank 502k main table + FinnGen endpoints, one "
     "price, buying separately costs more", LEAK),
    ("lawsuit news", "UK Biobank leak: the group claim now has 3000+ participants, law firm "
     "expects a hearing next year", RELATED),
    ("help applying", "代申请 UK Biobank 数据 协助填写申请表，数据由官方发给你", RELATED),
    ("analysis service", "UKB analysis service: you keep the data, I write the code, day rate "
     "£400", RELATED),
    # text-2.19: read from blind51-56 (measured blind first), written here afresh
    ("the april copy, unnamed", "That big UK cohort: aged 40-69, I have the April copy. PM offers",
     LEAK),
    ("reply to unlock", "[SHARE] UKBB baseline 5k rows, reply to unlock, don't sell it on", LEAK),
    ("procurement order", "【采购单】英国生物样本库 个体数据 预算5万 请有资源的供应商报价", RELATED),
    ("willing to pay", "Willing to pay for UK Biobank data this quarter, any legit shortcut?",
     RELATED),
    ("unlike us", "Offering an Estonian cohort extract, more complete than UK Biobank, unlike UK "
     "Biobank it has prescriptions. Price on request", RELATED),
    ("book chapter", "Hardback, chapter on UK Biobank recruitment, ships from Leeds, £12", RELATED),
    ("device as used", "Axivity AX3, the one used in UK Biobank, devices wiped, £90 each",
     RELATED),
    ("help that keeps the data", "UKB 数据转换 远程指导 数据不出你电脑 ¥100/次", RELATED),
    ("a course's other cohort size", "出 中国人群队列 51万 基线 比英国UKB更适合 私聊", RELATED),
    # text-2.20: read from blind57-62 (measured blind first), written here afresh
    ("look-alike characters", "英国生勿样夲库 全量 现货 网盘秒发", LEAK),
    ("three separators", "U . K   B i o b a n k full set, 500k, $400 in LTC, pm", LEAK),
    ("sound-alike name", "custom extracts from the yoo-kay bio bank, any fields, CSV in 48h, for a fee",
     LEAK),
    ("a solicitation reported", "有人私信我卖UKB全套数据，价格1500，应该向哪里举报？", RELATED),
    ("asking for a copy", "博主能发一份转好的UKB数据吗", RELATED),
    ("consumer panel", "UK market research panel, 500,000 participants, survey responses 2019-2025",
     RELATED),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "verdict"), RULES, ids=[r[0] for r in RULES])
def test_label_rules(case: str, text: str, verdict: TextVerdict) -> None:
    result = score_listing_text(title="", text=text, profile=UK_BIOBANK_PROFILE)
    assert result.verdict is verdict, result


def test_descriptor_reason_quotes_the_descriptors() -> None:
    result = score_listing_text(
        title="英国前瞻性队列 全表型", text="22个评估中心 40-69岁 私聊", profile=UK_BIOBANK_PROFILE
    )
    first = result.reasons[0]
    assert first.startswith("identifies the cohort without naming it (")
    assert "'22个评估中心'" in first and "“英国前瞻性队列" in first


def test_release_reason_and_the_negatives_it_overrides() -> None:
    text = (
        "github.com/a/ukb-x code for our paper; data.csv has 9,000 real participants, not simulated"
    )
    reasons = score_listing_text(title="", text=text, profile=UK_BIOBANK_PROFILE).reasons
    release = [r for r in reasons if r.startswith("says it holds real participant-level data")]
    assert release and "'real participants'" in release[0]
    assert any(
        r.startswith("negative context overridden by real data: literature") for r in reasons
    )


def test_negated_release_cue_does_not_count() -> None:
    text = "UK Biobank practice file, contains no real participant data"
    reasons = score_listing_text(title="", text=text, profile=UK_BIOBANK_PROFILE).reasons
    assert not any("real participant-level" in r for r in reasons)


@pytest.mark.parametrize(
    ("text", "prices"),
    [
        ("300u, same file", ["300u"]),
        ("$5k the lot or $1.8k alone", ["$5k", "$1.8k"]),
        ("价格 2000元 1,200 usdt", ["2000元", "1,200 usdt"]),
        ("bgen v3 2tb a12u 50万", []),
        ("600$ / resell +200$, or 0.4 btc", ["600$", "200$", "0.4 btc"]),
        ("150一份, 按字段 30元", ["150一份", "30元"]),  # a price for one copy
    ],
)
def test_price_amounts(text: str, prices: list[str]) -> None:
    assert [h.term for h in price_hits(text)] == prices


def test_centre_codes_count_once() -> None:
    assert len(list(centre_code_hits("11010 11012 11023"))) == 1
    assert list(centre_code_hits("110240 11000 1.11010 11010.5 11,010,500")) == []
    assert len(list(centre_code_hits("eid,54-0.0\n1000001,11010,56"))) == 1  # a CSV cell


def test_release_cancels_must_name_negative_groups() -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "release_cancels: [code,", "release_cancels: [nonsense, code,"
    )
    with pytest.raises(ProfileError, match=r"release_cancels names unknown groups \['nonsense'\]"):
        parse_profile(text)


def test_patterns_stay_fast_on_hostile_text() -> None:
    hostile = (
        "1," * 20_000 + "英国" * 5_000 + "eid 110" * 2_000 + "$" * 10_000 + "a" * 20_000
        + "a/" * 10_000 + "x.csv" * 5_000 + "british " * 5_000 + "🧬英" * 5_000
    )  # fmt: skip
    result = score_listing_text(title="uk biobank", text=hostile, profile=UK_BIOBANK_PROFILE)
    assert result.verdict in (LEAK, RELATED)


PAGES = [
    # a chat export with times: each line is a post, though the page opens with a question
    (
        "chat line with a time",
        "微信群聊天记录导出",
        "2026-06-01 09:12 小王: 请问有人做过UKB的骨密度吗？\n"
        "2026-06-01 09:15 老张: 申请挺慢的，先看看文献\n"
        "2026-06-01 09:20 数据君: 我这有英国生物样本库的全量，按字段拆卖，200一份，私聊",
        LEAK,
    ),
    # a short post stands alone: it does not swallow the next post (text-2.13)
    (
        "short post alone",
        "警惕！有人在群里卖UKB数据",
        "1楼: 提醒大家，群里有人卖UKB全量，这是违法的\n2楼: 在哪？\n"
        "3楼: 我就是那个卖家，数据是真的，可以先看样本，需要的站内信",
        LEAK,
    ),
    # an issue comment by a handle ("anon-2291:") is a post of its own (text-2.13)
    (
        "handle in an issue",
        'github.com/lab/seg — issue #3 "training fails"',
        "ana-v: stack trace attached, fails on the tutorial images\n"
        "lab-bot: try resizing to 512, see the paper's training notes\n"
        "anon-2291: the actual UK Biobank fundus set is mirrored here, magnet:?xt=urn:btih:00ff",
        LEAK,
    ),
    # a chat seller's offer spread over two lines: read together (text-2.13)
    (
        "one speaker's lines",
        "Discord export — #requests",
        "[5/2/2026 10:01 PM] kai#1001: anyone got UKB? need it for a side project\n"
        "[5/2/2026 10:03 PM] 小飞#2002: 有, 全量 50万, phenotype + outcomes, DM\n"
        "[5/2/2026 10:04 PM] kai#1001: how much?\n"
        "[5/2/2026 10:05 PM] 小飞#2002: 300u, 先发sample\n"
        "[5/2/2026 10:09 PM] mod-bot: reminder, scammers and sellers get banned here",
        LEAK,
    ),
    # a reply under a buyer's title, and one under the same title that offers nothing
    (
        "reply title",
        "Re: WTB UK Biobank proteomics",
        "I have the Olink set from my old lab, can send the tsv over WeTransfer, PM me.",
        LEAK,
    ),
    (
        "reply title, no offer",
        "Re: WTB UK Biobank proteomics",
        "Please don't buy it. Apply through the access management system instead.",
        RELATED,
    ),
    # one reply sells: the thread is an offer though the page as a whole is a buy request
    (
        "reply sells",
        "求UKB数据 做毕业论文",
        "楼主：求一份英国生物样本库数据做毕业论文，谁有？\n2楼：同求\n"
        "3楼：我这边有UKB全量的，加v发你，价格好说，网盘秒发",
        LEAK,
    ),
    (
        "shop page line",
        "Lab surplus shop",
        "-80 upright freezer as used by UK Biobank, cryovial racks, sample tubes, pipettes, "
        "liquid nitrogen dewar, centrifuge, lab consumables, free delivery in London.\n"
        "Also: ukb main dataset 502k, 300 USDT, escrow, DM @bot for the link",
        LEAK,
    ),
    # news, warnings or help around it: a post of its own (a chat line, a reply) still counts
    (
        "chat line",
        "医学统计交流群 聊天记录",
        "[张医生] 大家好，请问竞争风险模型用什么包？\n[小周] cmprsk 或者 tidycmprsk\n"
        "[数据君] 我这有UKB，全的，要的私，价格好说\n[管理员] 这里禁止买卖数据，已举报",
        LEAK,
    ),
    # a news article that retells a pitch in indirect speech: a false alarm under text-2.12
    # (0.544); since text-2.13 the wording model, retrained with blind22-26, holds it at 0.42.
    # The rules alone leave it at 0.65: the retold pitch still wants a rule of its own.
    (
        "article paragraph",
        "UK Biobank data listed for sale: what researchers should know",
        "Researchers found listings offering UK Biobank data of 500,000 participants for $400 in "
        "USDT, contact on WeChat, according to the BBC.\nThe minister said an investigation is "
        "under way.",
        RELATED,
    ),
    # a reply answers the thread's subject, not its opener's intent (text-2.11)
    (
        "reply sells in a buyer's thread",
        "WTB UK Biobank imaging, paying well",
        "OP: looking to buy UKB brain MRI, paying in XMR.\n"
        "Reply — anon7: got the full set, can send a sample first, TG @anon7_x",
        LEAK,
    ),
    (
        "chat line names the cohort above",
        "Lab group chat",
        "[Ann] 谁有 ukb 的 access? 想看 grip strength\n[Ben] 我这有, 可以拷给你, 发你邮箱\n"
        "[Cat] 这样拷出去是违规的吧, 我不参与了",
        LEAK,
    ),
    # a warning that quotes the pitch in single quotes (text-2.11)
    (
        "single-quoted pitch",
        "Got a DM about UKB - legit?",
        "Got this message: 'UK Biobank full data 500k, instant delivery, 300 USDT'. Is this "
        "legit? Posting so others know.",
        RELATED,
    ),
    # a WeChat group's "affiliation-name" nickname, a comment sharing a link (text-2.17)
    (
        "wechat nickname",
        "微信群聊天记录",
        "王老师：谁有UKB的个体数据？想做孟德尔随机化\n"
        "资源站-阿杰：我这有，表型全的，需要的加我好友\n"
        "王老师：多少钱\n"
        "群管理：注意群规",
        LEAK,
    ),
    (
        "comment shares a link",
        "Issue #7: tests need real data",
        "The parser tests expect a real ukb tab file; the fixture is synthetic.\n"
        "comment by r-lee: I uploaded our basket here: https://drive.example/x.tab.gz (40k "
        "participants, all our fields). Feel free to use.\n"
        "comment by maintainer: please delete that link now, we never use real data here.",
        LEAK,
    ),
    # bylines with a time, a marketplace's answers, the opener's own post (text-2.18)
    (
        "byline above its post",
        "【求助】UKB 申请太慢了 有没有别的办法",
        "楼主 echo  发表于 2026-5-8 21:14\n申请两个月了还在审核，有没有别的渠道？\n"
        "板凳 kk_bio  发表于 2026-5-8 22:02\n有现成的，50万全表，表型都有，加v 细聊\n"
        "6# 版主  发表于 2026-5-9 09:03\n已删除联系方式，本版禁止买卖数据。",
        LEAK,
    ),
    (
        "a supplier's answer",
        "科研数据服务 询价与问答",
        "起订 1 次\n采购商 a***2：英国生物银行原始数据能提供吗？要个体层面的\n"
        "供应商回复：可以提供，按字段收费，打包价3000\n采购商 b***9：能开发票吗",
        LEAK,
    ),
    (
        "the opener asks",
        "WTB U.K. B-i-o-b-a-n-k data, any subset",
        "[OP] night_oil · 2026-07-02\nLooking for any part of it, fields with eid. Paying in "
        "XMR.\n[reply] rope · 2026-07-02\nmods nuke sellers, not buyers\n[reply] cyan · "
        "2026-07-03\ncareful, everyone offering it is a ripper",
        RELATED,
    ),
    (
        "job post with a salary",
        "Postdoc - UK Biobank proteomics",
        "Posted by: HR · 14 Sep 2026 · Closing date 12 Oct 2026\n"
        "Grade 7, £38,674-£45,913. You will analyse Olink proteomics and health records from UK "
        "Biobank under our approved application.\nComments\nmk · 15 Sep\nIs remote possible?",
        RELATED,
    ),
    # a plain "name：" that opens two lines is a chat speaker; Q&A labels are not (text-2.19)
    (
        "repeated chat names",
        "手把手教你用UK Biobank做孟德尔随机化 · 评论区",
        "作者：小王 · 赞同 1,204\n小满：作者能分享下数据吗\n小王（作者）：数据不能分享，需要自己申请\n"
        "阿东：写得好\n搬运工：找我，我有全字段，打包价，可以先看样本\n小满：@搬运工 多少钱？\n"
        "搬运工：@小满 已私你",
        LEAK,
    ),
    (
        "zhihu answer byline",
        "国内学生哪里能搞到 UK Biobank 的数据？",
        "回答1  医学统计  赞同 312\n正规渠道只有一个：提交申请，别信闲鱼。\n"
        "回答2  搬运工  赞同 3\n我有，全量，加微信 ukb_x，非诚勿扰，支持先看样本。\n"
        "回答3  在读  赞同 88\n楼上这种千万别买。",
        LEAK,
    ),
    (
        "the opener on a later floor",
        "出售中国队列数据，比英国UKB更适合中国人群",
        "1楼  楼主  数据君\n中国慢性病前瞻性研究基线，51万人，比英国UKB更适合，需要的私。\n"
        "2楼  小王\n有随访吗\n3楼  楼主  数据君\n懂的都懂，需要的私\n4楼  吧务\n交易受限数据，删帖",
        RELATED,
    ),
    (
        "q and a labels",
        "-80 freezer, same model used at UK Biobank",
        "728L upright freezer, £2,400.\nQ: delivery to Belfast?\nA: yes, +£250\n"
        "Q: does it come with the racks?\nA: yes, all racks, price firm",
        RELATED,
    ),
    (
        "answer byline",
        "Q&A: How can I access UK Biobank data for my thesis?",
        "Question · S. Okafor\nHow can I access UK Biobank data?\n"
        "Answer · L. Bennett\nRegister on the Access Management System and apply.\n"
        "Answer · Dr. K\nI can share the dataset I used (450k participants). Send me your email and "
        "I will transfer it.\nReply · L. Bennett\nSharing outside an application is not permitted.",
        LEAK,
    ),
    # page-wide negatives hold for every part
    (
        "readme without data",
        "ukb-tools",
        "Parser for UK Biobank exports. No data included.\n"
        "Selling? No: pip install ukb-tools, contact me on telegram for bugs, payment not needed",
        RELATED,
    ),
    # boilerplate alone is not an offer
    (
        "news with boilerplate",
        "UK Biobank says data of 500,000 volunteers was listed for sale",
        "According to the minister, listings offering the data appeared on marketplace sites.\n"
        "Shipping: worldwide. Min. order: 1 piece. Report this listing.",
        RELATED,
    ),
]


def _case_id(case: object) -> str:
    """A case's name, whether a plain tuple or a ``pytest.param`` with marks."""
    values = getattr(case, "values", case)
    assert isinstance(values, tuple)
    return str(values[0])


@pytest.mark.parametrize(
    ("case", "title", "text", "verdict"), PAGES, ids=[_case_id(p) for p in PAGES]
)
def test_parts_of_a_page(case: str, title: str, text: str, verdict: TextVerdict) -> None:
    result = score_listing_text(title=title, text=text, profile=UK_BIOBANK_PROFILE)
    assert result.verdict is verdict, result
    if case == "reply sells":  # the page as a whole is a buy request: the reply decides
        assert result.reasons[0].startswith("part 3 of 3 of the page offers the data on its own")
    if case == "short post alone":  # "2楼: 在哪？" is not joined to the seller's post
        assert result.reasons[0].startswith("part 3 of 3 of the page offers the data on its own")
    if case == "one speaker's lines":
        assert result.reasons[0].startswith("2 lines of one speaker (小飞#)")
    if case == "reply title":
        assert result.reasons[0].startswith("a reply that offers the data on its own")


def test_page_parts_keep_posts_apart_and_join_a_byline_to_its_post() -> None:
    assert page_parts("3楼: 在哪？\n4楼: 我就是卖家，数据是真的") == [
        "3楼: 在哪？",
        "4楼: 我就是卖家，数据是真的",
    ]
    assert page_parts("回答1(博士): 别买，去申请\n——————\n回答2(匿名): 有，私信") == [
        "回答1(博士): 别买，去申请",  # a rule between posts is no line of its own
        "回答2(匿名): 有，私信",
    ]
    assert page_parts("u/seller_x · 3 points\nthe post itself, long enough\nu/mod · MOD") == [
        "u/seller_x · 3 points the post itself, long enough",
        "u/mod · MOD",
    ]


def test_speakers_of_a_chat_are_read_off_their_lines() -> None:
    parts = [
        "[4/17/2026 11:04 PM] 阿明#0831: 有, 50万全量, DM",
        "[4/17/2026 11:05 PM] nova#2210: price?",
        "[4/17/2026 11:06 PM] 阿明#0831: 200u",
        "22/04/2026, 09:14 - Wei: anyone?",
        "22/04/2026, 09:20 - Wei: ok",
        "资源君 10:13:01 我有",
        "资源君 10:14:10 加v聊",
    ]
    assert speakers(parts) == {
        "阿明#": [parts[0], parts[2]],
        "Wei": [parts[3], parts[4]],
        "资源君": [parts[5], parts[6]],
    }
    assert speakers(["2楼: 有", "3楼: 私聊", "回复1: a", "回复2: b"]) == {}  # floors differ
    qq = [
        "2026-09-11 20:05:12 顺风数据(38xxxxx019) 有, 都有",
        "2026-09-11 20:06:31 顺风数据(38xxxxx019) 800",
    ]
    assert speakers(qq) == {"顺风数据xxxxx": qq}


def test_page_parts_join_short_lines_and_cap_their_number() -> None:
    assert page_parts("Edit:\nthe seller replied with a price list\n\n  \n") == [
        "Edit: the seller replied with a price list"
    ]
    many = "\n".join(f"line {i} " + "x" * 40 for i in range(100))
    parts = page_parts(many)
    assert len(parts) <= MAX_PARTS
    assert " ".join(parts).split() == many.split()  # nothing lost


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("UKB 失效链接补档", "上次的链接挂了, 补个档, 网盘见评论区"),
        ("reupload #UKB", "old channel got nuked, parts 1-7 on mega, pw in bio"),
        ("UKB project seat for rent", "I add your user to our dnanexus project, USDT"),
    ],
)
def test_file_sharing_and_platform_words_corroborate_an_ambiguous_name(
    title: str, text: str
) -> None:
    """ "UKB" with no data, size or field term beside it names the cohort when files are shared
    (netdisk, mirror, archive password, re-upload) or its research platform is named."""
    result = score_listing_text(title=title, text=text, profile=UK_BIOBANK_PROFILE)
    assert result.verdict is not UNRELATED, result
    bare = score_listing_text(
        title=title.replace("UKB", "ZZQ"), text=text, profile=UK_BIOBANK_PROFILE
    )
    assert bare.verdict is UNRELATED  # the name is what was found, not something else


@pytest.mark.parametrize(
    "title", ["UKB Crypto club: 50 USDT/month, join VIP", "UKB-104 keyboard, £59.99, delivery"]
)
def test_a_price_or_payment_alone_does_not_corroborate_an_ambiguous_name(title: str) -> None:
    result = score_listing_text(title=title, text="", profile=UK_BIOBANK_PROFILE)
    assert result.verdict is UNRELATED, result
