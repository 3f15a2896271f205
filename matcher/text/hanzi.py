"""A shipped traditional → simplified Chinese character table, enough for listing text.

Listings in traditional characters (Taiwan, Hong Kong sellers, or simplified text converted to
dodge filters) must match the simplified terms of a cohort profile. Full converters (OpenCC) map
phrases; a character table is enough here because every profile term is normalised the same way,
so a rare mis-mapping hits both sides equally. The table covers the common characters of
marketplace, data and medical vocabulary; extend ``_PAIRS`` (traditional then simplified).
"""

from __future__ import annotations

_PAIRS = (
    "國国 樣样 數数 據据 庫库 銀银 行行 資资 料料 學学 醫医 藥药 療疗 轉转 讓让 價价 賣卖 買买 "
    "貨货 錢钱 聯联 係系 繫系 絡络 鏈链 網网 盤盘 載载 傳传 發发 貼贴 號号 碼码 際际 體体 "
    "態态 組组 蛋蛋 謝谢 譜谱 測测 序序 圖图 檔档 錄录 開开 關关 門门 問问 題题 檢检 驗验 "
    "證证 實实 現现 據据 隨随 訪访 歷历 診诊 斷断 結结 論论 獻献 課课 書书 讀读 寫写 講讲 "
    "師师 訓训 練练 備备 機机 箱箱 凍冻 溫温 儲储 離离 管管 標标 籤签 簽签 術术 經经 濟济 "
    "幣币 額额 單单 訂订 購购 費费 優优 惠惠 質质 量量 風风 險险 險险 護护 衛卫 統统 計计 "
    "報报 導导 員员 會会 長长 這这 個个 們们 來来 時时 間间 後后 與与 為为 無无 從从 當当 "
    "於于 對对 應应 須须 處处 麼么 還还 沒没 讓让 給给 幾几 萬万 億亿 兩两 億亿 點点 邊边 "
    "裡里 裏里 現现 義义 務务 業业 產产 權权 區区 調调 查查 違违 規规 騙骗 詐诈 舉举 曝曝 "
    "聲声 稱称 記记 者者 聞闻 府府 臣臣 英英 倫伦 敦敦 線线 戶户 頻频 道道 訊讯 飛飞 電电 "
    "視视 頁页 條条 項项 類类 別别 齡龄 級级 歲岁 婦妇 齒齿 腦脑 臟脏 腎肾 膽胆 壓压 "
    "糖糖 尿尿 癥症 癌癌 瘤瘤 徵征 狀状 況况 嚴严 復复 複复 雜杂 麵面 飲饮 吸吸 煙烟 菸烟 "
    "睡睡 眠眠 蔬蔬 菜菜 魚鱼 肉肉 類类 攝摄 頭头 髮发 顏颜 紅红 綠绿 藍蓝 黃黄 "
    "細细 胞胞 蛋蛋 膽胆 固固 醇醇 脂脂 甘甘 油油 酯酯 島岛 濕湿 熱热 錯错 誤误 "
    "專专 屬属 獨独 戰战 鬥斗 觀观 覽览 擇择 選选 談谈 請请 確确 認认 許许 設设 "
    "計计 畫画 劃划 週周 運运 動动 勞劳 務务 職职 崗岗 薪薪 聘聘 歷历 簡简 "
    "壓压 縮缩 檔档 夾夹 鑰钥 匙匙 帳账 賬账 號号 證证 樣样 雙双 種种 隊队 "
    "團团 圓圆 園园 範范 圍围 舊旧 新新 嗎吗 們们 麼么 滿满 濾滤 鐘钟 鍾钟 "
    "飢饥 餓饿 藝艺 術术 態态 慮虑 憂忧 鬱郁 願愿 懷怀 慣惯 權权 歡欢 樂乐 "
    "參参 與与 試试 驗验 隊队 訊讯 誠诚 勿勿 擾扰 虧亏 甩甩 賠赔 贈赠 送送 "
    "緊紧 急急 補补 償偿 據据 庫库 盜盗 竊窃 洩泄 漏漏 隱隐 私私 竄窜 變变 "
    "嘉嘉 蘭兰 芬芬 韓韩 漢汉 華华 灣湾 臺台 寶宝 淘淘 觸触 擊击 鍵键 錶表 "
    "齊齐 齋斋 龍龙 龜龟 門门 閱阅 闆板 闊阔 陽阳 陰阴 陳陈 陸陆 隻只 雞鸡 離离 "
    "難难 雲云 電电 靈灵 韋韦 響响 頂顶 項项 順顺 須须 預预 領领 頸颈 題题 額额 "
    "願愿 類类 顧顾 顯显 飯饭 飾饰 館馆 馬马 驅驱 騎骑 驚惊 髒脏 鬆松 魯鲁 鮮鲜 "
    "鳥鸟 鳴鸣 鹽盐 麥麦 黨党 齣出 劑剂 勁劲 勢势 勵励 匯汇 協协 卻却 厲厉 厭厌 "
    "吳吴 員员 嗎吗 啟启 喚唤 噸吨 嚇吓 囑嘱 圖图 執执 堅坚 報报 場场 塊块 塗涂 "
    "墊垫 壞坏 壯壮 壽寿 夢梦 奪夺 奮奋 妝妆 姦奸 婁娄 孫孙 寧宁 審审 寫写 寬宽 "
    "導导 將将 尋寻 層层 嶺岭 幫帮 廠厂 廣广 廳厅 彈弹 彙汇 徑径 從从 憑凭 憶忆 "
    "懂懂 懶懒 戲戏 拋抛 挾挟 掃扫 掛挂 採采 換换 揚扬 損损 搖摇 搶抢 撥拨 擁拥 "
    "據据 擬拟 擴扩 擺摆 攜携 敗败 敵敌 斂敛 斷断 暫暂 曆历 曉晓 書书 會会 樓楼 "
    "標标 樞枢 機机 槍枪 歐欧 殘残 殺杀 氣气 準准 滅灭 滬沪 漲涨 潔洁 潛潜 澤泽 "
    "濃浓 灑洒 燈灯 燒烧 營营 爭争 爺爷 牆墙 犧牺 狹狭 獎奖 獲获 環环 瑪玛 產产 "
    "畢毕 異异 療疗 盡尽 監监 盧卢 碩硕 確确 礎础 禮礼 禍祸 禦御 秘秘 稅税 穩稳 "
    "窮穷 競竞 筆笔 築筑 節节 範范 糧粮 紀纪 約约 紙纸 級级 納纳 紛纷 終终 組组 "
    "給给 絕绝 統统 絲丝 維维 綜综 緒绪 編编 緣缘 縣县 總总 績绩 織织 繪绘 繼继 "
    "續续 罰罚 罷罢 聖圣 聽听 肅肃 脅胁 腳脚 膚肤 與与 舉举 艦舰 莊庄 蒼苍 蓋盖 "
    "蘇苏 蟲虫 衝冲 補补 裝装 製制 覆覆 見见 規规 視视 親亲 覺觉 觸触 訂订 計计 "
    "討讨 記记 設设 許许 訴诉 評评 詞词 試试 詩诗 詳详 誌志 語语 說说 課课 誰谁 "
    "調调 談谈 請请 諸诸 諾诺 講讲 謀谋 謹谨 識识 議议 護护 讀读 變变 豐丰 貝贝 "
    "負负 財财 貢贡 貧贫 責责 貴贵 貸贷 貿贸 賀贺 資资 賓宾 賞赏 賢贤 賽赛 贊赞 "
    "趙赵 趕赶 跡迹 踐践 車车 軌轨 軍军 軟软 較较 輔辅 輕轻 輪轮 輸输 辦办 農农 "
    "這这 連连 進进 運运 過过 達达 違违 遠远 適适 遲迟 遷迁 選选 遺遗 邊边 鄉乡 "
    "醫医 釋释 針针 鈔钞 鉛铅 銷销 鋼钢 錄录 鍋锅 鎖锁 鎮镇 鏡镜 鐵铁 長长 "
)

T2S: dict[int, str] = {}
for _pair in _PAIRS.split():
    if len(_pair) == 2 and _pair[0] != _pair[1]:
        T2S[ord(_pair[0])] = _pair[1]

# Variant forms that are neither the traditional nor the simplified character but read as it
# (囯 for 国); normalisation folds them too. Kept apart from T2S, which maps one way only.
_VARIANT_PAIRS = "囯国"
FOLD_HANZI: dict[int, str] = dict(T2S)
for _pair in _VARIANT_PAIRS.split():
    FOLD_HANZI[ord(_pair[0])] = _pair[1]

TRADITIONAL_CHARS = "".join(chr(code) for code in sorted(FOLD_HANZI))
