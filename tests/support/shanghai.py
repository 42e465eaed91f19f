"""Shanghai's 16 districts as the geo tests expect them, checked by hand against GB/T 2260
(after 崇明县 became 崇明区 in 2016): code -> (name, short name, English name)."""

from __future__ import annotations

SHANGHAI_DISTRICTS: dict[str, tuple[str, str, str]] = {
    "310101": ("黄浦区", "黄浦", "Huangpu District"),
    "310104": ("徐汇区", "徐汇", "Xuhui District"),
    "310105": ("长宁区", "长宁", "Changning District"),
    "310106": ("静安区", "静安", "Jing'an District"),
    "310107": ("普陀区", "普陀", "Putuo District"),
    "310109": ("虹口区", "虹口", "Hongkou District"),
    "310110": ("杨浦区", "杨浦", "Yangpu District"),
    "310112": ("闵行区", "闵行", "Minhang District"),
    "310113": ("宝山区", "宝山", "Baoshan District"),
    "310114": ("嘉定区", "嘉定", "Jiading District"),
    "310115": ("浦东新区", "浦东", "Pudong New Area"),
    "310116": ("金山区", "金山", "Jinshan District"),
    "310117": ("松江区", "松江", "Songjiang District"),
    "310118": ("青浦区", "青浦", "Qingpu District"),
    "310120": ("奉贤区", "奉贤", "Fengxian District"),
    "310151": ("崇明区", "崇明", "Chongming District"),
}
