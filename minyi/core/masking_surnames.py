"""Chinese surnames for masking: compound (复姓) ones, and the common single ones (about 300, covering
nearly all of the population) that name detection in free text starts from."""

from __future__ import annotations

# Two-character (复姓) surnames, so 欧阳娜娜 shows as 欧阳** rather than 欧***.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "司空",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "澹台",
        "公冶",
        "太史",
        "申屠",
        "闻人",
        "赫连",
        "万俟",
        "濮阳",
        "单于",
        "拓跋",
        "第五",
        "东郭",
        "左丘",
        "梁丘",
        "公羊",
        "谷梁",
        "仲孙",
        "叔孙",
        "微生",
        "羊舌",
        "乐正",
        "漆雕",
        "壤驷",
        "公良",
        "巫马",
        "宗政",
        "亓官",
        "司寇",
        "子车",
        "颛孙",
        "东门",
        "太叔",
        "闾丘",
        "段干",
    ]
)

# The most common single-character surnames, most frequent first.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章"
    "鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝"
)
