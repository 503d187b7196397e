"""The word pools the customer demo composes names, summaries and addresses from."""

# Well-known groups with the short names people type (中石化 → zsh).
FAMOUS = [
    ("中国石油化工股份有限公司", "中石化"),
    ("中国石油天然气股份有限公司", "中石油"),
    ("中国海洋石油集团有限公司", "中海油"),
    ("中国中化控股有限责任公司", "中化"),
    ("万华化学集团股份有限公司", "万华化学"),
    ("上海华谊（集团）公司", "华谊集团"),
    ("中国宝武钢铁集团有限公司", "宝武"),
    ("国家电网有限公司", "国家电网"),
    ("中国移动通信集团有限公司", "中国移动"),
    ("比亚迪股份有限公司", "比亚迪"),
    ("恒力石化股份有限公司", "恒力石化"),
    ("荣盛石化股份有限公司", "荣盛石化"),
]
# Planted name variants of the groups above (the duplicates report pairs them).
VARIANTS = [
    ("中国石化", "中石化"),
    ("万华化学股份有限公司", "万华"),
    ("中国石油天然气有限公司", "中石油"),
    ("恒力石化有限公司", "恒力"),
]
# Name parts. Brands are two characters from this pool (or a Faker company prefix); characters
# with two common readings (长, 重, 行, 乐) are left out so the composed pinyin is the one
# pypinyin gives the whole name.
BRAND_CHARS = (
    "华海宏泰恒盛鑫源达通瑞丰永信安康明德联合金银嘉诚新兴远东方中正天利隆昌富佳伟"
    "龙凤祥润兴旺广博星辰汇凯泽鼎锦宇晟铭志远晨曦欣悦和顺美景创立科越立升华美同益"
    "启航蓝天绿洲开元腾飞卓越精工亿成万家百川千禾"
)
INDUSTRIES = [
    "化工",
    "石化",
    "新材料",
    "精细化工",
    "塑胶",
    "涂料",
    "能源",
    "润滑油",
    "橡胶",
    "化学品",
    "贸易",
    "商贸",
    "物流",
    "机械",
    "电子",
    "科技",
    "医药",
    "环保",
    "建材",
    "纺织",
    "食品",
    "包装",
    "电气",
    "设备",
    "工程",
    "实业",
    "制药",
    "农化",
    "燃气",
    "钢铁",
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
# Optional middle words: more distinct names (and name keys) at a million customers.
MIDS = ["", "", "", "", "国际", "联合", "科创", "环球", "嘉业", "鼎盛", "汇通", "宏远"]
BANKS = ["中国工商银行", "中国建设银行", "中国银行", "招商银行", "交通银行", "中国农业银行"]
SUMMARIES = [
    "电话沟通采购计划，客户关注价格与交期。",
    "上门拜访，介绍新产品并了解使用情况。",
    "发送报价单，等待客户确认。",
    "客户来电咨询发票与付款事宜。",
    "微信沟通样品测试结果。",
    "参加客户年度供应商大会。",
    "处理客户投诉：到货包装破损。",
    "回访：确认上批货物使用效果良好。",
]
MAIL_DOMAINS = ["163.com", "126.com", "qq.com", "sina.com", "sohu.com", "aliyun.com"]
