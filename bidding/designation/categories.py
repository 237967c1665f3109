"""What counts as designation in disguise (R3, R4; docs/design.md): the prohibited categories of
the public rules, each with patterns over the normalised text (``normalize.py``: simplified,
half-width, lower case, no spaces between Chinese characters), and the legitimate forms that
are masked before any category looks (practitioners' registrations, standards, law titles,
site work, conflict-of-interest wording).

The categories follow the rules cited in docs/design.md §1 (R3, R4): 《政府采购法实施条例》第二十条,
财政部令第87号第十七条, 财库〔2019〕38号, 《优化营商环境条例》第十三条, 《招标投标法实施条例》第三十二条
and the 2024 招标投标领域公平竞争审查规则. Order matters: the first category that matches a clause
names it (a local office before the region it is in, past work before the department).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]+)"
CMP = (r"(?:不低于|不少于|不小于|不得低于|不得少于|低于|少于|以上|至少|达到|超过|大于|多于|满|≥|>=|>|"
       r"及以上|或以上|minimum|at least|more than|over|not less than|no less than|above)")
MONEY = rf"{NUM}\s*(?:万|亿|元|million|billion|yuan|rmb)"
LOC = (r"(?:本地区|本区域|本辖区|本地|本市|本省|本县|本区|本州|本镇|当地|省内|市内|县内|区内|州内|辖区内|"
       r"区域内|属地|我市|我省|我县|我区|外地|外省|外市|外县)")
ENTITY = r"(?:企业|机构|单位|公司|供应商|服务商|中介|投标人|事务所|团队|报名人)"
REQ = r"(?:须|需|必须|应当?|要求|限于?|仅限|只限|只能|仅|方可|一律)"
OWN = (r"(?:本单位|本部门|本局|本委|本厅|本办|本中心|本院|本系统|系统内|采购人|业主单位|业主|招标人|"
       r"我局|我单位|我委|我厅|我院|我办|我中心|我部门|本机关|政府部门|行政机关|本行政区域)")
OWNERSHIP = (r"(?:(?:国有|国营)(?:企业|控股|独资|全资|背景|性质)|国企|央企|中央企业|市属企业|省属企业|"
             r"外资|外商(?:投资|独资)|中外合资|合资企业|民营企业|民企|私营企业|集体(?:所有制)?企业|"
             r"全民所有制|内资企业|上市公司|事业单位|股份有限公司|有限责任公司|合伙企业|个体工商户)")
BRANDS = (r"广联达|鲁班软件|斯维尔|品茗|pkpm|盈建科|天正建筑|南方cass|cass软件|南方测绘|徕卡|leica|天宝|"
          r"trimble|拓普康|topcon|索佳|sokkia|中海达|华测导航|大疆|\bdji\b|arcgis|\besri\b|supermap|超图|"
          r"mapgis|中地数码|autocad|autodesk|revit|bentley|microstation|\boracle\b|用友|金蝶|浪潮|华为|"
          r"huawei|海康|大华|联想|lenovo|\bdell\b|\bibm\b|cisco|思科|\bspss\b|matlab|赛默飞|thermo fisher|"
          r"安捷伦|agilent|岛津|shimadzu|珀金埃尔默|perkinelmer|聚光科技|雪迪龙|西门子|siemens|施耐德|"
          r"microsoft|微软|金山wps|阿里云|腾讯云")
C = r"[^,;。]"  # any character of the same clause


@dataclass(frozen=True)
class Category:
    code: str
    rule: str  # "R3" or "R4"
    label: Promise  # "it <label>"
    patterns: tuple[re.Pattern, ...]


def _c(*patterns: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


CATEGORIES: tuple[Category, ...] = (
    Category("local_office", "R4", _("requires a local office, branch or on-site presence"), _c(
        rf"(?:设立|设有|设置|建立|开设|成立|拥有|具有|具备|配备|有){C}{{0,10}}?(?:分支机构|分公司|子公司|"
        r"办事处|服务网点|网点|常设机构|驻地机构|办公场所|办公地点|办公室|固定场所|经营场所|服务机构|"
        r"服务站|工作站|联络处)",
        rf"(?:分支机构|分公司|办事处|服务网点|常设机构|办公场所|办公地点){C}{{0,6}}?(?:位于|设在)",
        r"驻场|常驻|驻点|驻地办公|派驻",
        rf"{NUM}\s*(?:个)?(?:小时|分钟)(?:内|以内|之内)?(?:到达|赶到|抵达|到场|上门)",
        r"within \d+ (?:hours?|minutes?) (?:on site|to arrive|of a call)",
        r"(?:have|has|maintain|maintains|set up|establish|open|keep)\b[^,;.]{0,25}"
        r"\b(?:office|branch|presence|premises|outlet)",
        r"\b(?:local|branch|representative) office|\blocal (?:presence|branch)|\bstationed\b|"
        r"resident on site|on-site resident",
    )),
    Category("scale", "R4", _("restricts by registered capital, assets, turnover, profit, tax, "
                              "headcount or years in business"), _c(
        r"注册资本|注册资金|实缴资本|实收资本|认缴资本|经营年限|成立年限|企业年龄",
        rf"(?:净资产|总资产|资产总额|资产规模|固定资产){C}{{0,10}}?(?:{CMP}|{MONEY})",
        rf"(?:营业收入|营收|年收入|营业额|产值|销售额|销售收入|主营业务收入|经营收入|业务收入|年收益|"
        rf"收入规模|经营规模){C}{{0,12}}?(?:{CMP}|{MONEY})",
        rf"(?:净利润|利润|盈利|纳税额|纳税总额|年纳税|缴税|税收贡献|纳税){C}{{0,10}}?(?:{CMP}|{MONEY})",
        rf"连续(?:{NUM}年)?盈利|无亏损",
        rf"(?:员工|职工|从业人员|在职人员|在册人员|正式员工|社保|参保|企业人数|公司人数|人员规模|人员总数|"
        rf"总人数){C}{{0,12}}?{NUM}\s*(?:人|名)",
        rf"{NUM}\s*(?:人|名)\s*(?:以上|及以上)?的?(?:员工|职工|从业人员|在职人员)",
        rf"(?:成立|注册|设立|经营|从业|营业|开业)(?:时间|年份)?{C}{{0,6}}?(?:{CMP}|满)\s*{NUM}?\s*"
        r"(?:个)?(?:年|周年)",
        rf"(?:成立|注册|设立|经营|营业|开业)(?:时间|年份)?{C}{{0,4}}?{NUM}\s*(?:个)?(?:年|周年)"
        r"(?:以上|及以上|或以上)",
        r"成立(?:于)?\d{4}年?(?:以前|之前|前)|\d{4}\s*年?(?:以前|之前)(?:成立|注册|设立)",
        rf"{NUM}\s*年(?:以上|及以上)?(?:的)?(?:经营|营业|成立|从业|行业)(?:历史|时间|经验|经历)",
        r"大型企业|规模以上|中型以上|大中型企业|企业规模|公司规模",
        r"registered capital|paid-in capital|net assets|total assets|headcount|number of employees",
        r"(?:turnover|revenue|sales|income|profits?)\b[^,;.]{0,25}(?:at least|not less than|"
        r"minimum|"
        r"over|above|more than|rmb|yuan|usd|\d)",
        r"(?:at least|minimum of|more than|over|not less than) \d+ (?:full-time )?"
        r"(?:employees|staff)",
        r"(?:in business|in operation|established|incorporated|founded)\b[^,;.]{0,20}"
        r"(?:at least|for|over|more than|before|since) \d+|\d+ years? (?:in business|of operation)|"
        r"(?:at least|over|more than) \d+ years (?:in business|of business|old)|taxes? paid",
    )),
    Category("past_work", "R4", _("asks for past work for the purchaser, this department, its "
                                  "system or region, or for contract amounts"), _c(
        rf"{OWN}{C}{{0,10}}?(?:业绩|项目经验|经历|服务经验|工作经验|合作记录|服务记录|案例|经验|合作)",
        rf"(?:承担过|服务过|合作过|完成过|做过|参与过|承接过|有过|曾为|曾在){C}{{0,8}}?{OWN}",
        rf"{LOC}{C}{{0,14}}?(?:业绩|项目经验|案例|服务经历)",
        r"[\u4e00-\u9fff]{2,6}(?:省|市|县|区|州)(?:内|范围内)?(?:的)?(?:同类|类似)?(?:项目)?业绩",
        r"(?:行业|系统)(?:内)?(?:的)?(?:同类|类似)?(?:项目)?业绩",
        rf"合同(?:金额|额|价款){C}{{0,8}}?(?:{CMP}|{MONEY})",
        rf"业绩{C}{{0,12}}?(?:{MONEY}|金额)",
        r"(?:previous|prior|past) (?:work|projects?|experience|contracts?|services?)\b[^,;.]{0,30}"
        r"\b(?:our|this|the) (?:bureau|department|agency|office|organi[sz]ation|client|purchaser|"
        r"ministry|commission|city|province|system)",
        r"(?:worked|work|experience|projects?|services?|contracts?) (?:for|with) (?:our|this|the) "
        r"(?:bureau|department|purchaser|"
        r"client|ministry|commission|system)",
        r"contracts? (?:value|worth|amount)|contracts? (?:of|worth) (?:at least|over|more than)",
    )),
    Category("ownership", "R4", _("restricts by ownership or organisational form"), _c(
        rf"(?:须|需|必须|应当?|限|仅限|只限|要求|优先|属于|只接受|仅接受)(?:是|为)?{C}{{0,3}}?{OWNERSHIP}",
        rf"(?:供应商|投标人|机构|报名单位|申请人|中介|服务商){C}{{0,4}}?(?:为|是|属){C}{{0,2}}?"
        rf"{OWNERSHIP}",
        rf"{OWNERSHIP}{C}{{0,6}}?(?:优先|加分|为限|除外|不得|不予|不接受|不能|方可|才能|才可|谢绝)",
        rf"(?:不接受|不得|拒绝|谢绝|排除|不予受理|不允许){C}{{0,6}}?(?:分公司|分支机构|合伙企业|个体|外资|"
        r"民营|私营)",
        rf"(?:分公司|分支机构){C}{{0,6}}?(?:不得|不能|不可|不接受|不予|除外|禁止|谢绝)",
        rf"(?:股东|实际控制人|控股股东){C}{{0,8}}?(?:须|应|必须|为|是){C}{{0,6}}?(?:国有|国资|政府|中央)",
        r"state-owned(?! assets?)|\bsoes?\b|state enterprise|central enterprise|"
        r"foreign-(?:invested|funded|owned)|privately[- ]owned|"
        r"private (?:enterprise|company|firm)s?|"
        r"listed compan(?:y|ies)|public institution",
    )),
    Category("brand", "R4", _("names a brand, product or a particular agency"), _c(
        BRANDS,
        r"品牌|原厂|原装|(?:厂家|厂商|制造商|原厂|生产厂家)授权|授权代理|"
        r"指定(?:的)?(?:品牌|型号|厂家|厂商|软件|产品|设备|机构|单位|公司|中介|供应商|检测机构|服务商|平台)|"
        r"特定(?:的)?(?:品牌|型号|厂家|软件|产品|专利|商标|供应商|服务商|机构)|"
        r"唯一(?:的)?(?:供应商|服务商|机构|厂家|指定|合作)|独家|专利(?:产品|技术)|(?:或|及)同等品",
        r"\bbrand|original (?:equipment )?manufacturer|manufacturer(?:'s)? authori[sz]ation|"
        r"proprietary|sole (?:supplier|source|provider)|exclusive (?:supplier|agent|provider)|"
        r"or equivalent",
    )),
    Category("membership", "R3", _("requires membership of an industry association or other "
                                   "body"), _c(
        r"(?:协会|学会|商会|联合会|联盟|研究会|促进会)(?:的)?(?:会员|成员|理事|常务理事|副?会长)|会员单位|"
        r"理事单位|副?会长单位|会员资格|行业自律组织",
        rf"(?:加入|入会|参加){C}{{0,8}}?(?:协会|学会|商会|联盟|联合会)",
        r"(?:协会|学会|商会|联合会)(?:推荐|认定|评定|颁发|备案|认证|出具|登记)",
        r"member(?:ship)? of [^,;.]{0,40}(?:association|society|federation|chamber|alliance)|"
        r"(?:association|chamber|society) member(?:ship)?|association-(?:recommended|certified)",
    )),
    Category("honours", "R4", _("asks for honours, awards or rankings"), _c(
        rf"获奖|获得{C}{{0,12}}?(?:奖|称号|荣誉|表彰)|奖项|荣誉|称号|表彰|百强|十强|五十强|前{NUM}强|"
        rf"{NUM}强|五百强|名列前|排名(?:前|第|在前|靠前)|(?:行业|全国|全省|全市|年度|综合实力)排名|排行榜|"
        r"十佳|百佳|年度优秀|最佳(?:企业|单位|机构|服务商)|先进(?:单位|集体|企业)|优秀(?:企业|单位|服务商|中介|机构|供应商|会员)|示范(?:单位|企业|基地)|"
        r"诚信(?:单位|企业|示范)|守合同重信用|重合同守信用|明星企业|龙头企业|名牌|著名商标|驰名商标|老字号|"
        r"(?:成果|质量|科技|工程|技术|设计|咨询|进步|优质|创新|服务|行业)奖|鲁班奖|詹天佑奖|金奖|银奖|"
        r"一等奖|二等奖|三等奖|特等奖|标杆企业|星级(?:企业|单位|服务商)",
        r"awards? (?:for|from|by|of)\b|award-winning|won (?:an? )?(?:award|prize)|"
        r"\bprizes?\b|\bhonou?rs?\b|\branked\b|\branking|\btop[ -]\d+\b|excellent enterprise|"
        r"model enterprise|advanced unit",
    )),
    Category("certification", "R4", _("asks for a certification or rating no law requires"), _c(
        r"iso\s?(?:9001|14001|45001|27001|20000|50001|10012)|ohsas\s?18001|"
        r"gb/t\s?(?:19001|24001|45001|28001)|(?:质量|环境|职业健康安全|信息安全|能源)管理体系(?:认证|证书)|"
        r"三体系|体系认证|cmmi|itss|cnas|信用(?:等级|评级|评价等级)|资信(?:等级|评级)|"
        r"(?<![a-z0-9])(?:aaa|aa\+|3a)(?![a-z0-9])|aa级|a级纳税|纳税信用|高新技术企业|高新企业|专精特新|"
        r"科技型中小企业|小巨人|瞪羚企业|独角兽|企业技术中心|双软|软件企业认定|ccrc|iso\d*认证",
        r"\biso ?\d{4,5}\b|quality management system certification|credit rating|high-tech "
        r"enterprise|high and new technology enterprise",
    )),
    Category("roster", "R3", _("requires being on a department's own roster, list or record "
                               "(入库、名录、备案)"), _c(
        r"名录库|备选库|预选库|资格库|中介库|中介机构库|(?:中介|机构|供应商|服务商|中介服务)名录|供应商库|服务商库|合格供应商(?:名单|名录|库)|短名单|"
        r"白名单|推荐名单|入围名单|入围(?:单位|机构|企业)|入库(?:单位|机构|企业)|"
        r"框架协议入围",
        rf"定点{C}{{0,4}}?(?:单位|机构|服务商|供应商|企业)",
        rf"(?:入库|入围|入选|纳入|列入|编入|进入){C}{{0,12}}?(?:名录|名单|目录|库)(?:内|中)?(?:的)?"
        rf"{ENTITY}",
        rf"{ENTITY}{C}{{0,8}}?(?:须|需|必须|应|已)?(?:入库|入围|纳入|列入)",
        rf"(?:{OWN}|主管部门|{LOC}){C}{{0,10}}?(?:备案|入库|认定|推荐|准入|名录|名单)",
        r"隶属|下属单位|直属单位|挂靠|红顶",
        r"(?:approved|preferred|qualified|registered) "
        r"(?:supplier|vendor|agency|service provider)s? "
        r"(?:list|roster|pool|panel|database)|\bshort-?list|pre-?qualified (?:list|pool|panel|"
        r"suppliers)|on (?:our|the) (?:list|roster|panel)|registered with (?:our|this|the) "
        r"(?:bureau|department|agency|office)",
    )),
    Category("industry", "R3", _("restricts by industry or system"), _c(
        r"(?:本行业|行业内|本系统|系统内)(?:的)?(?:企业|机构|单位|公司|供应商)",
        rf"(?:限|仅限){C}{{0,6}}?行业",
        r"(?:within|from) (?:our|this|the same) (?:industry|sector|system)\b",
    )),
    Category("region", "R3", _("restricts by region"), _c(
        rf"{REQ}{C}{{0,6}}?{LOC}{C}{{0,8}}?(?:注册|登记|设立|设有|成立|纳税|缴纳社保|注册地|{ENTITY}|"
        r"办公|分支|网点|备案|入驻|落户)",
        rf"{LOC}{C}{{0,4}}?(?:注册|登记|成立|设立|纳税|工商注册)的?{C}{{0,4}}?{ENTITY}",
        rf"{LOC}{C}{{0,6}}?{ENTITY}{C}{{0,4}}?(?:优先|加分|加{NUM}分|为限|专场|定向|方可|才能|可参与|可报名|"
        r"可参加)",
        rf"(?:注册地|注册所在地|所在地|住所地|工商注册地?|税务登记地?|纳税地|社保缴纳地){C}{{0,6}}?"
        r"(?:须|需|必须|应|限|为|在|位于|属于)",
        rf"(?:外地|外省|外市|外县|非本地|非本市|非本省|非本县){C}{{0,6}}?{ENTITY}",
        rf"(?:须|需|必须|应当?|要求|限)在{C}{{1,8}}?(?:注册|登记|成立|纳税|缴纳社保)",
        r"本地化服务|本地服务团队|本地服务能力",
        r"(?:registered|incorporated|based|headquartered|domiciled) in\b|"
        r"\blocal (?:firms?|compan(?:y|ies)|agenc(?:y|ies)|suppliers?|enterprises?|bidders?|"
        r"providers?|registration)|(?:firms?|compan(?:y|ies)|agenc(?:y|ies)|suppliers?|bidders?) "
        r"(?:from|in) (?:this|our|the) (?:city|province|county|region|area)|non-local|"
        r"outside (?:this|the|our) (?:city|province|county|region)",
    )),
)

# --- legitimate forms, masked before the categories look ----------------------------------------
_NOT_A_STANDARD = r"(?!19001|24001|45001|28001)"
ALLOWED: tuple[re.Pattern, ...] = _c(
    # A practitioner's legally required registration (注册安全工程师, 一级注册建造师, 注册测绘师 …).
    r"(?:一级|二级)?注册(?:(?!的|在|于|地)[\u4e00-\u9fff]){0,8}?(?:师|员)",
    r"registered [a-z ]{0,30}?(?:engineer|architect|surveyor|constructor|accountant|valuer|planner|"
    r"appraiser)s?|certified public accountants?",
    # A person's years of practice tied to the work (项目负责人从业年限不少于5年).
    r"(?:负责人|项目经理|技术负责人|人员|工程师|成员|专家|技术骨干)[^,;。]{0,6}?(?:从业|执业|工作|相关)"
    r"(?:年限|经验|经历)?",
    # Technical standards (GB/T 50353-2013, HJ 2.1-2016, JGJ 8-2016 …).
    rf"(?:gb/t|gb/z|gbz|gb|hj/t|hj|jgj|cjj|dl/t|sl|jtg|tb|cj/t|db\d*/t|dbj)\s?{_NOT_A_STANDARD}"
    r"[\d.\-—]+",
    # Titles of laws, regulations and standards, unless they are about suppliers (a roster).
    r"《(?:(?!中介|机构|供应商|服务商|企业|单位|会员|入围|推荐|品牌)[^》]){1,60}?"
    r"(?:法|条例|办法|规定|规则|细则|决定|通知|意见|标准|规范|导则|规程|指南|要求|名录|目录|清单)》",
    # Registering on this platform is how one takes part (R1), not a restriction.
    r"(?:在|于)?(?:本|该|此)?(?:平台|网站|中介超市)(?:上)?(?:注册|登记|报名)",
    # Site work is not local presence.
    r"现场踏勘|现场勘[查察]|踏勘现场",
    # Conflict-of-interest wording of an avoidance reason.
    r"(?:隶属|利害|关联|股权|控股|投资|挂靠|管理|亲属)关系",
)

# A match right after one of these (within the clause) is a statement that the thing is NOT
# required ("不要求本地设立分支机构", "regardless of location").
NEGATION_BEFORE = re.compile(
    r"(?:不要求|不需要?|无需|无须|毋须|不限(?!于)|不限制|不得要求|不得以|不得将|不设|不以|不将|不论|无论|"
    r"不分|不对|不因|取消|no need to|not required to|need not|does not need to|do not need to|"
    r"regardless of|irrespective of|without requiring|is not required|are not required|\bno\b)")
NEGATION_AFTER = re.compile(
    r"^[^,;。]{0,12}?(?:不作为|不做为|不作要求|不做要求|不作限制|不做限制|均可|皆可|不影响|"
    r"is not required|are not required|not required|is not a condition|not needed)")
