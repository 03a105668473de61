"""Labelled pairs for near-duplicate families: reposts that must be found, template siblings that must not merge.

Every text here is of our own making (a fictional 临江市 and its offices);
the seeds in ``../shared/seeds`` are read at run time when present and never
copied. Used by tests/test_near_duplicates.py and by ``bench.family_curve``,
which prints precision and recall around the chosen threshold.

- `NOTICES`: notices from one office (and one from a second office) that
  share their template: the addressee line 各县（市、区）委组织部…, the
  formula 现将有关事项通知如下, numbered sections and the same signature
  block. Any two of them are different families.
- `REPOST_EDITS`: what a portal or a newspaper does to a notice it reposts.
  Each applied to each notice is a pair of one family.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import opencc

_ADDRESSEES = "各县（市、区）委组织部，市直各单位党组（党委），市管各企业党委："
_SIGNATURE = "中共临江市委组织部\n2024年3月5日\n（联系人：王明；联系电话：0731-5551234）"
_EDU_ADDRESSEES = "各县（市、区）教育局，市直各学校："
_EDU_SIGNATURE = "临江市教育局\n2024年4月12日\n（联系人：李静；联系电话：0731-5556789）"


def _notice(title: str, addressees: str, purpose: str, sections: list[str], signature: str) -> str:
    numbered = [f"{'一二三四五六'[i]}、{section}" for i, section in enumerate(sections)]
    return "\n".join([
        title, addressees,
        f"{purpose}经研究，现将有关事项通知如下：",
        *numbered,
        "请各单位高度重视，认真抓好落实，执行中遇到的问题请及时报告。",
        signature,
    ])


NOTICES: dict[str, str] = {
    "cadre-training": _notice(
        "关于举办2024年度基层党组织书记培训班的通知", _ADDRESSEES,
        "为进一步提升基层党组织书记抓党建促发展的能力，市委组织部决定举办2024年度基层党组织书记培训班。",
        [
            "培训对象。各乡镇（街道）党（工）委分管负责同志，村（社区）党组织书记，每个县（市、区）名额二十五人。",
            "培训时间和地点。三月二十日报到，培训五天，地点在市委党校南校区三号教学楼。",
            "培训内容。围绕党的组织工作基础理论、村级集体经济发展、矛盾纠纷化解和应急处置开展专题教学与现场观摩。",
            "有关要求。学员须全程参训，不得请假，培训期间统一食宿，费用由市委党校承担，往返交通费回原单位报销。",
        ],
        _SIGNATURE,
    ),
    "member-statistics": _notice(
        "关于做好2023年度党内统计工作的通知", _ADDRESSEES,
        "根据上级部署，全市2023年度党内统计以十二月三十一日为统计截止时间。",
        [
            "统计范围。全市各级党组织和党员，包括流动党员和出国（境）党员，做到不重不漏。",
            "数据核对。各单位要对照党员信息管理系统逐人核对姓名、身份证号码、入党时间和组织关系，发现差错当即更正。",
            "报送时间。一月十五日前报送统计报表和分析报告，分析报告应写明党员队伍结构变化的原因。",
        ],
        _SIGNATURE,
    ),
    "flood-duty": _notice(
        "关于组织党员干部参加汛期值守的通知", _ADDRESSEES,
        "入汛以来我市降雨明显偏多，沿江和山区防汛形势严峻，为发挥党组织和党员在防汛救灾中的作用，",
        [
            "组建队伍。各单位以支部为单位组建党员突击队，每队不少于十人，名单报县级防汛指挥部备案。",
            "驻点值守。党员干部按分片包干原则下沉到堤段和地质灾害隐患点，实行二十四小时轮班，每日上报巡查情况。",
            "转移群众。遇有险情，驻点党员要第一时间组织群众转移，确保不漏一户、不落一人。",
            "纪律要求。值守期间严禁擅离岗位，对失职失责的依规依纪严肃追究责任。",
        ],
        _SIGNATURE,
    ),
    "fee-collection": _notice(
        "关于规范党费收缴使用管理的通知", _ADDRESSEES,
        "近期巡察发现部分党组织存在党费收缴不及时、台账不规范等问题，",
        [
            "按月交纳。党员应当按月交纳党费，特殊情况经支部同意可以按季度交纳，不得一次预交全年。",
            "基数核定。每年一月由支部核定党员交纳基数，在职党员以上年度月均工资收入为准，并在支部范围内公示。",
            "台账管理。支部设立党费收缴台账，逐月登记，年底与上级党组织对账。",
        ],
        _SIGNATURE,
    ),
    "village-election": _notice(
        "关于做好村（社区）“两委”换届选举准备工作的通知", _ADDRESSEES,
        "今年下半年全市村（社区）“两委”将集中换届，时间紧、任务重，",
        [
            "摸底排查。九月底前对所有村（社区）逐一分析研判，对班子不团结、宗族势力干扰等情况建立问题清单。",
            "人选储备。按照每个村不少于二名的标准储备后备力量，优先从致富能手、退役军人和返乡大学生中物色。",
            "离任审计。对现任村（社区）主要负责人开展经济责任审计，审计结果在村务公开栏公布。",
            "宣传引导。通过广播、微信群、院坝会等方式讲清换届政策，引导党员群众依法有序参与。",
        ],
        _SIGNATURE,
    ),
    "school-safety": _notice(
        "关于开展春季校园安全隐患排查整治的通知", _EDU_ADDRESSEES,
        "春季开学在即，为切实保障师生生命安全，市教育局决定在全市开展校园安全隐患排查整治。",
        [
            "排查重点。校舍、围墙和运动设施，食堂食品安全，消防通道与器材，校车和周边交通。",
            "整改落实。对排查出的隐患建立台账，能立即整改的立即整改，一时难以整改的落实管控措施并限期完成。",
            "督导检查。市教育局将组成督导组于三月中旬开展随机抽查，结果纳入年度考核。",
        ],
        _EDU_SIGNATURE,
    ),
}

_TO_TRADITIONAL = opencc.OpenCC("s2t.json")
_FULL_WIDTH_PUNCTUATION = str.maketrans("，：；！？（）", ",:;!?()")


def _with_header(text: str) -> str:
    return "转载自临江市人民政府门户网站　发布时间：2024-03-06　浏览次数：\n" + text


def _with_editors_note(text: str) -> str:
    return "编者按：这份通知对今年的工作作出了具体安排，现全文刊发，供各地参考。\n" + text


def _with_dateline(text: str) -> str:
    return "新华社临江3月6日电　" + text


def _signature_trimmed(text: str) -> str:
    # Reposts keep the body and drop the signature block below the last paragraph.
    return "\n".join(text.split("\n")[:-3])


def _half_width(text: str) -> str:
    return text.translate(_FULL_WIDTH_PUNCTUATION)


def _traditional(text: str) -> str:
    return _TO_TRADITIONAL.convert(text)


def _every_edit(text: str) -> str:
    return _traditional(_with_dateline(_with_editors_note(_with_header(_half_width(_signature_trimmed(text))))))


REPOST_EDITS: dict[str, Callable[[str], str]] = {
    "header line": _with_header,
    "editor's note": _with_editors_note,
    "dateline": _with_dateline,
    "trimmed signature": _signature_trimmed,
    "half-width punctuation": _half_width,
    "traditional script": _traditional,
    "all of them at once": _every_edit,
}


@dataclass(frozen=True)
class LabelledPair:
    """Two texts, and whether they are one notice (`same_family`); `kind` says how they were made."""

    left: str
    right: str
    same_family: bool
    kind: str


def seed_texts(seeds_dir: Path) -> dict[str, str]:
    """The seed pages' texts by file name (empty when the folder is absent)."""
    if not seeds_dir.is_dir():
        return {}
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))}


def labelled_pairs(seeds: dict[str, str] | None = None) -> list[LabelledPair]:
    """Every labelled pair: each repost edit of each notice (and seed), and every two different texts.

    The seeds are different pages on one subject (party organisations in the
    epidemic), some in traditional script: different families, and each with
    the repost edits a family of its own.
    """
    originals = {**NOTICES, **(seeds or {})}
    pairs: list[LabelledPair] = []
    for name, text in originals.items():
        for edit_name, edit in REPOST_EDITS.items():
            pairs.append(LabelledPair(text, edit(text), True, f"repost: {edit_name}"))
    names = list(originals)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            kind = "template siblings" if first in NOTICES and second in NOTICES else "different pages"
            pairs.append(LabelledPair(originals[first], originals[second], False, kind))
            # A repost of one against the other: the edits must not pull them together.
            pairs.append(LabelledPair(originals[first], _every_edit(originals[second]), False, kind))
    return pairs

