"""Demo knowledge base: some 30 solution articles on lubricants, chemicals and boards, the
products of the demo catalogue (crm.products.demo), written through the services.

Idempotent: an article whose title exists (also in the recycle bin) is not written again.
Products are found by code; a missing one leaves the article without a product.
"""

from django.db import transaction

from crm.products.models import Product

from . import services
from .models import Article, ArticleCategory, ArticleStatus
from .seed import seed_categories

TROUBLE, CARE, STORAGE, SAFETY, CHOICE, POLICY = (
    "故障排除",
    "使用与保养",
    "储存与运输",
    "安全与环保",
    "选型与替代",
    "售后政策",
)

# (title, category, product code or "", body: plain text, blank line between paragraphs)
ARTICLES: list[tuple[str, str, str, str]] = [
    (
        "液压油乳化发白的原因与处理",
        TROUBLE,
        "GW-L-HM46-200L",
        "现象：油箱内液压油呈乳白色，油位计可见浑浊，系统动作迟缓。\n\n"
        "原因：冷却器渗漏、油箱呼吸器失效或露天存放进水，水分超过 0.1% 即会乳化。\n\n"
        "处理：1. 停机取样化验水分；2. 排查冷却器与密封；3. 水分高时整体换油并冲洗系统；"
        "4. 更换呼吸器干燥剂。换油后 200 小时复检。",
    ),
    (
        "抗磨液压油 L-HM 46 与 68 如何选择",
        CHOICE,
        "GW-L-HM68-200L",
        "环境温度 0–40 ℃、系统压力低于 16 MPa 的一般设备选 46 号；夏季高温、重载或柱塞泵"
        "磨损较大的老设备选 68 号。\n\n两者不宜长期混用，换牌号时应先排空旧油。",
    ),
    (
        "液压系统油温过高报警排查",
        TROUBLE,
        "GW-L-HM46-200L",
        "先检查冷却水流量和冷却器是否结垢，再检查溢流阀设定压力是否过低导致长期溢流。\n\n"
        "油品黏度过低或已氧化变质也会使油温升高，建议取样检测黏度和酸值。",
    ),
    (
        "齿轮箱异响、油温高：齿轮油检查步骤",
        TROUBLE,
        "GW-CKD220-200L",
        "1. 检查油位，过低会导致润滑不足；2. 取样观察是否有金属颗粒；3. 检测黏度是否下降超过 15%；"
        "4. 确认油品为 L-CKD 重负荷齿轮油，不可用液压油替代。\n\n"
        "若油中铁含量持续升高，请安排设备厂家检查齿面。",
    ),
    (
        "重负荷工业齿轮油换油周期建议",
        CARE,
        "GW-CKD220-200L",
        "正常工况下每 5000 运行小时或一年更换一次；粉尘大、温度高的工况缩短到 2500 小时。\n\n"
        "换油时用同牌号油冲洗一遍，清理磁性螺塞。",
    ),
    (
        "汽轮机油破乳化性能下降怎么办",
        TROUBLE,
        "GW-TSA32-200L",
        "汽轮机油长期与蒸汽接触，破乳化时间超过 30 分钟即需处理。\n\n"
        "可先用真空滤油机脱水，若抗乳化性仍不合格，应部分或全部换油，并查找漏汽点。",
    ),
    (
        "全合成机油 5W-30 和 5W-40 的区别",
        CHOICE,
        "GW-SN-5W30-4L",
        "两者低温性能相同，5W-40 高温黏度更高，适合涡轮增压和高温地区；"
        "5W-30 更省油，适合日常城市工况。\n\n以车辆说明书推荐为准。",
    ),
    (
        "机油压力低报警的常见原因",
        TROUBLE,
        "GW-SN-5W40-4L",
        "机油不足、机油滤清器堵塞、黏度过低（燃油稀释）或机油泵磨损都会导致压力低。\n\n"
        "请客户立即停车检查油位，切勿继续行驶。",
    ),
    (
        "柴机油 CK-4 能否替代 CI-4",
        CHOICE,
        "GW-CK4-15W40-18L",
        "CK-4 向下兼容 CI-4，可以直接替代，抗氧化和剪切稳定性更好，换油周期可适当延长。\n\n"
        "使用低硫柴油的国六车辆建议使用 CK-4。",
    ),
    (
        "柴油发动机机油变黑变稀是否正常",
        CARE,
        "KL-CI4-15W40-18L",
        "柴机油清净分散剂会把烟炱分散在油中，变黑属正常现象；但明显变稀、有柴油味说明燃油稀释，"
        "应检查喷油器并提前换油。",
    ),
    (
        "锂基润滑脂变硬结块的原因",
        TROUBLE,
        "GW-MP3-15KG",
        "长期高温（超过 120 ℃）使用、不同皂基润滑脂混用或储存开盖进灰都会导致变硬。\n\n"
        "高温部位请改用高温润滑脂，加注前清除旧脂。",
    ),
    (
        "极压锂基脂加注量怎么掌握",
        CARE,
        "GW-EP2-15KG",
        "轴承腔填充 1/3 到 1/2 为宜，过量加注会导致轴承温升和漏脂。\n\n"
        "高速轴承取下限，低速重载轴承取上限。",
    ),
    (
        "润滑油桶装产品的储存要求",
        STORAGE,
        "",
        "油桶应卧放、桶口处于三点和九点钟位置，避免雨水从桶口渗入；室内储存温度 0–40 ℃。\n\n"
        "开封后的油品尽快使用，桶口拧紧，先进先出。",
    ),
    (
        "润滑油保质期与过期油品判断",
        STORAGE,
        "",
        "未开封的矿物油一般可储存 3 年，合成油 5 年。\n\n"
        "超过期限的油品应抽样检测外观、水分、黏度和酸值，合格后方可使用。",
    ),
    (
        "MDI 结晶的处理方法",
        STORAGE,
        "WH-MDI-100",
        "纯 MDI 低于 38 ℃ 会结晶，高于 45 ℃ 又会加快二聚体生成，建议 0 ℃ 以下冷冻储存或"
        "40–45 ℃ 保温。\n\n已结晶的整桶在 70 ℃ 以下烘房融化并滚桶混匀，不可局部加热。",
    ),
    (
        "聚合 MDI 粘度升高还能用吗",
        TROUBLE,
        "WH-PM-200",
        "粘度升高通常因为受潮生成脲，或储存温度过高。请提供批号和检测报告，"
        "超出技术指标的批次按售后流程退换。",
    ),
    (
        "TDI 泄漏的应急处置",
        SAFETY,
        "WH-TDI-80",
        "立即疏散下风向人员，佩戴正压式呼吸器；小量泄漏用砂土吸收后装入密闭容器，"
        "大量泄漏用中和液（水、氨水、洗涤剂）处理。\n\n"
        "皮肤接触后用大量清水冲洗至少 15 分钟并就医。",
    ),
    (
        "聚醚多元醇储罐氮封要求",
        STORAGE,
        "WH-PPG-2000",
        "聚醚易吸潮和氧化，储罐须氮封，储存温度 15–40 ℃。\n\n长期储存后使用前检测水分（≤0.05%）。",
    ),
    (
        "环氧丙烷运输安全要点",
        SAFETY,
        "WH-PO-99",
        "环氧丙烷为极易燃液体，槽车须有静电接地、限速行驶，装卸全过程氮气保护。\n\n"
        "夏季避开高温时段运输。",
    ),
    (
        "钛白粉分散不良、涂料出现颗粒",
        TROUBLE,
        "ZH-TIO2-R996",
        "检查分散剂用量和研磨细度，R-996 推荐分散剂用量为颜料量的 0.3–0.5%。\n\n"
        "储存受潮结团的钛白粉应过筛后使用。",
    ),
    (
        "环氧树脂低温结晶怎么处理",
        STORAGE,
        "ZH-EPOXY-128",
        "E-51 在低温下会出现结晶发白，不影响质量。\n\n将整桶在 50–60 ℃ 水浴或烘房加热至透明，"
        "搅拌均匀后即可使用。",
    ),
    (
        "复合肥结块的原因及预防",
        STORAGE,
        "ZH-NPK-151515",
        "吸潮和堆压是结块的主要原因。堆垛不超过 15 袋，下垫托盘，远离潮湿墙面。\n\n"
        "轻微结块不影响肥效，可敲碎后使用。",
    ),
    (
        "中密度纤维板甲醛释放量超标投诉处理",
        POLICY,
        "DY-MDF-18E1",
        "先核对产品标识等级（E1/E0/ENF）与合同要求是否一致，再由质检部门按 GB/T 39600 "
        "取样复检。\n\n复检超标的批次按合同约定退换，并登记质量缺陷。",
    ),
    (
        "纤维板受潮起鼓变形",
        TROUBLE,
        "FL-MDF-MR",
        "普通纤维板不适合潮湿环境，厨卫场所请选用防潮（绿芯）纤维板。\n\n"
        "板材进场后应平放、离地 10 cm 以上，避免直接接触水泥地面。",
    ),
    (
        "强化复合地板起拱的原因",
        TROUBLE,
        "DY-FL-12-OAK",
        "铺装时四周未留 8–10 mm 伸缩缝、地面潮湿或地暖升温过快都会导致起拱。\n\n"
        "处理：拆除踢脚线，切割留出伸缩缝，保持室内通风。",
    ),
    (
        "刨花板封边开胶问题",
        TROUBLE,
        "FL-PB-18E0",
        "封边温度不足、板材含水率过高（应 8–12%）或胶量不足都会开胶。\n\n"
        "请客户提供封边机参数，技术服务人员可上门调试。",
    ),
    (
        "工业氮气钢瓶的使用与退瓶",
        SAFETY,
        "ZH-GAS-40L",
        "钢瓶须直立固定，远离热源；使用时瓶内保留不低于 0.05 MPa 余压。\n\n"
        "空瓶退回时关紧瓶阀、戴好瓶帽，司机凭退瓶单签收。",
    ),
    (
        "产品质量投诉受理流程",
        POLICY,
        "",
        "1. 客服登记工单，记录批号、数量和现象；2. 24 小时内联系客户确认；"
        "3. 需要时安排技术人员现场取样；4. 质检出具结论后 3 个工作日内答复处理方案；"
        "5. 结案后安排回访。",
    ),
    (
        "退货与换货的条件",
        POLICY,
        "",
        "质量问题经检测确认的，免费退换并承担运费；非质量原因的退货须未开封、"
        "在发货后 30 天内申请，并扣除往返运费。\n\n定制产品和散装槽车产品不接受非质量原因退货。",
    ),
    (
        "自动变速箱油更换注意事项",
        CARE,
        "GW-ATF-4L",
        "重力换油只能更换约 40% 的油，建议使用循环机换油。\n\n"
        "注意：该产品已停售，请推荐客户选用新型号变速箱油。",
    ),
    (
        "齿轮油与液压油能否混用（草稿）",
        CHOICE,
        "",
        "不能混用。两者添加剂体系不同，混用会导致极压性能或抗乳化性能下降。",
    ),
]
DRAFTS = {"齿轮油与液压油能否混用（草稿）"}


def load_articles() -> dict[str, int]:
    """Write the demo articles that do not exist yet; returns how many were created."""
    seed_categories(ArticleCategory)
    categories = {c.name: c for c in ArticleCategory.objects.all()}
    products = {p.code: p for p in Product.objects.all()}
    existing = set(Article.all_objects.values_list("title", flat=True))
    made = 0
    with transaction.atomic():
        for title, category, code, body in ARTICLES:
            if title in existing:
                continue
            services.article_create(
                actor=None,
                title=title,
                body=body,
                product=products.get(code) if code else None,
                category=categories.get(category),
                status=ArticleStatus.DRAFT if title in DRAFTS else ArticleStatus.PUBLISHED,
            )
            made += 1
    return {"articles": made}
