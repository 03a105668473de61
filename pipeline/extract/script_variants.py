"""Let one boilerplate pattern match both simplified and traditional script.

Rules are written once, in simplified characters; `both_scripts` widens each
character that differs in traditional script into a class of the two, so
版权所有 also matches 版權所有 and 责任编辑 matches 責任編輯. Text itself is
never converted.
"""

from __future__ import annotations

# Only the characters our chrome and byline rules use.
_PAIRS = (
    "权權 责責 声聲 术術 当當 页頁 关關 闭閉 阅閱 读讀 编編 辑輯 来來 发發 布佈 览覽 数數 击擊 "
    "网網 载載 转轉 属屬 页頁 扫掃 维維 码碼 钮鈕 条條 篇篇 荐薦 热熱 门門 论論 评評 体體 "
    "号號 单單 办辦 联聯 系係 们們 导導 图圖 务務 备備 证證 识識 时時 间間 访訪 问問 录錄 项項 "
    "与與 欢歡 点點 标標 区區 复復 浏瀏 审審 对對 机機 户戶 纠糾 错錯 顶頂 开開 详詳 细細 闻聞 报報 "
    "链鏈 议議 记記 现現 态態 动動 实實 预預 视視 频頻 统統 计計 载載 应應 该該 称稱 处處 侵侵 "
    "节節 构構 体體 个個 区區 产產 众眾 务務 让讓 请請 这這 稍稍 候候 无無 响響 刷刷 亲親 觉覺 击擊"
)
_TABLE = {pair[0]: f"[{pair}]" for pair in _PAIRS.split() if pair[0] != pair[1]}


def both_scripts(pattern: str) -> str:
    """Return regex source `pattern` with each simplified character widened to [简繁].

    Characters already inside a [...] class are left alone.
    """
    out, in_class = [], False
    for ch in pattern:
        if ch == "[" and not (out and out[-1] == "\\"):
            in_class = True
        elif ch == "]" and not (out and out[-1] == "\\"):
            in_class = False
        out.append(ch if in_class else _TABLE.get(ch, ch))
    return "".join(out)
