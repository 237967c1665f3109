"""Demo content (Chinese): a catalogue of real approval-related intermediary service items, modelled
on published county and provincial lists (《行政审批中介服务事项清单》), and agencies across
provinces. Fees are plausible reference figures for the demo, not official tariffs."""
from __future__ import annotations

from core.catalogue import DEFAULT_REMARK, FEE_GOVERNMENT, FEE_MARKET

# Category tree: (name, parent name or None)
CATEGORIES = [
    ("投资项目审批", None),
    ("生态环境", None),
    ("水利水保", None),
    ("安全生产与职业健康", None),
    ("自然资源与规划", None),
    ("测绘服务", "自然资源与规划"),
    ("住房和城乡建设", None),
    ("气象、地震与消防", None),
    ("文物保护", None),
    ("财务审计与资产评估", None),
]

STD_WORKFLOW = ("1. 申请人自主选择中介机构（可通过本平台发布采购公告）；2. 签订委托合同；"
                "3. 中介机构现场踏勘、收集资料并编制成果文件；4. 申请人确认成果后报送审批部门；"
                "5. 审批部门组织技术审查并作出决定。")


def _item(title, category, *, approval_item, department, legal_basis, statutory_days,
          committed_days, conditions, fee_standard, fee_type=FEE_MARKET, fee_range=(5000, 50000),
          implementing="具有相应能力的机构", workflow=STD_WORKFLOW, remarks=DEFAULT_REMARK,
          description=""):
    return {
        "title": title, "category": category, "description": description or (
            f"为“{approval_item}”提供的{title}服务。"),
        "fee_range": fee_range,
        "attrs": {
            "approval_item": approval_item, "approval_department": department,
            "legal_basis": legal_basis, "implementing_authority": implementing,
            "statutory_days": statutory_days, "committed_days": committed_days,
            "workflow": workflow, "conditions": conditions, "fee_standard": fee_standard,
            "fee_type": fee_type, "remarks": remarks,
        },
    }


MARKET_FEE = ("市场调节价，由委托双方依据服务内容、工作量协商确定（《国家发展改革委关于放开部分建设项目"
              "服务收费标准有关问题的通知》发改价格〔2014〕1573号）")

ITEMS = [
    # 投资项目审批
    _item("项目申请报告编制", "投资项目审批", approval_item="企业投资项目核准",
          department="发展和改革局",
          legal_basis="《企业投资项目核准和备案管理条例》（国务院令第673号）第六条；"
                      "《国务院关于投资体制改革的决定》（国发〔2004〕20号）",
          statutory_days=20, committed_days=10,
          conditions="属于《政府核准的投资项目目录》范围的企业投资项目；已取得用地预审与选址意见书。",
          fee_standard=MARKET_FEE, fee_range=(20000, 120000)),
    _item("可行性研究报告编制", "投资项目审批", approval_item="政府投资项目可行性研究报告审批",
          department="发展和改革局",
          legal_basis="《政府投资条例》（国务院令第712号）第九条、第十一条",
          statutory_days=20, committed_days=12,
          conditions="已批复项目建议书（或纳入规划）的政府投资项目。",
          fee_standard=MARKET_FEE, fee_range=(30000, 200000)),
    _item("固定资产投资项目节能报告编制", "投资项目审批",
          approval_item="固定资产投资项目节能审查", department="发展和改革局",
          legal_basis="《中华人民共和国节约能源法》第十五条；《固定资产投资项目节能审查办法》"
                      "（国家发展改革委令2023年第2号）第六条",
          statutory_days=20, committed_days=10,
          conditions="年综合能源消费量1000吨标准煤及以上（或年电力消费量500万千瓦时及以上）的项目。",
          fee_standard=MARKET_FEE, fee_range=(15000, 80000)),
    _item("社会稳定风险评估报告编制", "投资项目审批", approval_item="企业投资项目核准、政府投资项目审批",
          department="发展和改革局",
          legal_basis="《国家发展改革委重大固定资产投资项目社会稳定风险评估暂行办法》"
                      "（发改投资〔2012〕2492号）第三条",
          statutory_days=20, committed_days=15,
          conditions="涉及征地拆迁、环境影响等可能引发社会稳定风险的重大固定资产投资项目。",
          fee_standard=MARKET_FEE, fee_range=(20000, 100000)),
    _item("能源审计报告编制", "投资项目审批", approval_item="重点用能单位能源利用状况审查",
          department="发展和改革局",
          legal_basis="《中华人民共和国节约能源法》第五十三条、第五十四条",
          statutory_days=30, committed_days=20,
          conditions="年综合能源消费总量一万吨标准煤以上的重点用能单位。",
          fee_standard=MARKET_FEE, fee_range=(30000, 150000)),
    # 生态环境
    _item("环境影响评价报告书编制", "生态环境",
          approval_item="建设项目环境影响评价文件审批（报告书）", department="生态环境局",
          legal_basis="《中华人民共和国环境影响评价法》第十六条、第二十二条；"
                      "《建设项目环境保护管理条例》第七条、第九条",
          statutory_days=60, committed_days=20,
          conditions="列入《建设项目环境影响评价分类管理名录》应编制报告书的建设项目。",
          fee_standard=MARKET_FEE, fee_range=(50000, 300000),
          implementing="具有相应能力的技术单位（建设单位也可自行编制）"),
    _item("环境影响评价报告表编制", "生态环境",
          approval_item="建设项目环境影响评价文件审批（报告表）", department="生态环境局",
          legal_basis="《中华人民共和国环境影响评价法》第十六条、第二十二条",
          statutory_days=30, committed_days=10,
          conditions="列入《建设项目环境影响评价分类管理名录》应编制报告表的建设项目。",
          fee_standard=MARKET_FEE, fee_range=(8000, 60000),
          implementing="具有相应能力的技术单位（建设单位也可自行编制）"),
    _item("入河排污口设置论证报告编制", "生态环境", approval_item="入河排污口设置审核",
          department="生态环境局",
          legal_basis="《中华人民共和国水法》第三十四条；《入河排污口监督管理办法》第七条",
          statutory_days=20, committed_days=15,
          conditions="新建、改建或者扩大入河排污口的单位。",
          fee_standard=MARKET_FEE, fee_range=(20000, 90000)),
    # 水利水保
    _item("水土保持方案编制", "水利水保", approval_item="生产建设项目水土保持方案审批",
          department="水利和湖泊局",
          legal_basis="《中华人民共和国水土保持法》第二十五条、第二十六条",
          statutory_days=20, committed_days=10,
          conditions="在山区、丘陵区、风沙区以及水土保持规划确定的容易发生水土流失的其他区域开办可能造成"
                     "水土流失的生产建设项目。",
          fee_standard=MARKET_FEE, fee_range=(10000, 100000)),
    _item("洪水影响评价报告编制", "水利水保",
          approval_item="河道管理范围内建设项目工程建设方案审批", department="水利和湖泊局",
          legal_basis="《中华人民共和国防洪法》第二十七条、第三十三条；《中华人民共和国河道管理条例》"
                      "第十一条",
          statutory_days=20, committed_days=12,
          conditions="在河道管理范围内建设跨河、穿河、穿堤、临河工程设施；在洪泛区、蓄滞洪区内建设非防洪"
                     "建设项目。",
          fee_standard=MARKET_FEE, fee_range=(20000, 120000)),
    _item("水资源论证报告书编制", "水利水保", approval_item="取水许可审批",
          department="水利和湖泊局",
          legal_basis="《取水许可和水资源费征收管理条例》第十一条；《建设项目水资源论证管理办法》第二条",
          statutory_days=45, committed_days=20,
          conditions="直接从江河、湖泊或者地下取用水资源的建设项目。",
          fee_standard=MARKET_FEE, fee_range=(20000, 100000)),
    # 安全生产与职业健康
    _item("安全预评价报告编制", "安全生产与职业健康",
          approval_item="危险化学品建设项目安全条件审查", department="应急管理局",
          legal_basis="《中华人民共和国安全生产法》第三十二条；《危险化学品安全管理条例》第十二条",
          statutory_days=45, committed_days=20,
          conditions="新建、改建、扩建生产、储存危险化学品的建设项目及矿山建设项目。",
          fee_standard=MARKET_FEE, fee_range=(20000, 120000),
          implementing="具有相应资质的安全评价机构"),
    _item("安全验收评价报告编制", "安全生产与职业健康", approval_item="安全生产许可证核发",
          department="应急管理局",
          legal_basis="《中华人民共和国安全生产法》第三十四条；《安全生产许可证条例》第六条",
          statutory_days=45, committed_days=20,
          conditions="建设项目安全设施竣工、试运行正常后申请安全生产许可的生产经营单位。",
          fee_standard=MARKET_FEE, fee_range=(20000, 100000),
          implementing="具有相应资质的安全评价机构"),
    _item("职业病危害预评价报告编制", "安全生产与职业健康",
          approval_item="职业病危害严重的建设项目职业病防护设施设计审查",
          department="卫生健康委员会",
          legal_basis="《中华人民共和国职业病防治法》第十七条、第十八条",
          statutory_days=20, committed_days=15,
          conditions="可能产生职业病危害的新建、扩建、改建建设项目和技术改造、技术引进项目。",
          fee_standard=MARKET_FEE, fee_range=(10000, 60000),
          implementing="取得职业卫生技术服务资质的机构"),
    _item("职业病危害控制效果评价报告编制", "安全生产与职业健康",
          approval_item="职业病防护设施竣工验收", department="卫生健康委员会",
          legal_basis="《中华人民共和国职业病防治法》第十八条",
          statutory_days=20, committed_days=15,
          conditions="职业病危害严重的建设项目竣工验收前。",
          fee_standard=MARKET_FEE, fee_range=(10000, 60000),
          implementing="取得职业卫生技术服务资质的机构"),
    # 自然资源与规划
    _item("地质灾害危险性评估", "自然资源与规划", approval_item="建设项目用地预审与选址意见书核发",
          department="自然资源和规划局",
          legal_basis="《地质灾害防治条例》第二十一条；《国务院对确需保留的行政审批项目设定行政许可的"
                      "决定》（国务院令第412号）",
          statutory_days=20, committed_days=10,
          conditions="在地质灾害易发区内进行工程建设的项目。",
          fee_standard=MARKET_FEE, fee_range=(15000, 90000)),
    _item("压覆矿产资源评估报告编制", "自然资源与规划",
          approval_item="建设项目压覆重要矿产资源审批", department="自然资源和规划局",
          legal_basis="《中华人民共和国矿产资源法》第三十三条；《国土资源部关于进一步做好建设项目压覆重要"
                      "矿产资源审批管理工作的通知》（国土资发〔2010〕137号）",
          statutory_days=20, committed_days=15,
          conditions="建设项目可能压覆已查明重要矿产资源的。",
          fee_standard=MARKET_FEE, fee_range=(10000, 80000)),
    _item("土地勘测定界", "自然资源与规划", approval_item="建设用地审批",
          department="自然资源和规划局",
          legal_basis="《中华人民共和国土地管理法实施条例》第二十四条；《建设用地审查报批管理办法》"
                      "第五条",
          statutory_days=20, committed_days=10,
          conditions="申请使用国有建设用地或农用地转用、土地征收的建设项目。",
          fee_standard="政府指导价：按定界面积分档计收，不超过各省（区、市）价格主管部门公布的上限",
          fee_type=FEE_GOVERNMENT, fee_range=(3000, 30000)),
    _item("建设项目使用林地可行性报告编制", "自然资源与规划",
          approval_item="建设项目使用林地审核审批", department="林业局",
          legal_basis="《中华人民共和国森林法》第三十七条；《中华人民共和国森林法实施条例》第十六条；"
                      "《建设项目使用林地审核审批管理办法》第八条",
          statutory_days=20, committed_days=10,
          conditions="勘查、开采矿藏和各项建设工程占用或者征收、征用林地的。",
          fee_standard=MARKET_FEE, fee_range=(8000, 60000)),
    _item("建设工程规划设计方案编制", "自然资源与规划", approval_item="建设工程规划许可证核发",
          department="自然资源和规划局",
          legal_basis="《中华人民共和国城乡规划法》第四十条",
          statutory_days=20, committed_days=10,
          conditions="在城市、镇规划区内进行建筑物、构筑物、道路、管线和其他工程建设的。",
          fee_standard=MARKET_FEE, fee_range=(20000, 200000),
          implementing="具有相应资质的规划、设计单位"),
    _item("交通影响评价报告编制", "自然资源与规划", approval_item="建设工程规划许可证核发",
          department="自然资源和规划局",
          legal_basis="《中华人民共和国城乡规划法》第四十条；《建设项目交通影响评价技术标准》"
                      "（CJJ/T 141-2010）",
          statutory_days=20, committed_days=10,
          conditions="达到当地规定规模的大型公共建筑、居住区等建设项目。",
          fee_standard=MARKET_FEE, fee_range=(20000, 100000)),
    # 测绘服务
    _item("建设工程地形图测绘", "测绘服务", approval_item="建设工程规划许可证核发",
          department="自然资源和规划局",
          legal_basis="《中华人民共和国城乡规划法》第四十条；《中华人民共和国测绘法》第二十七条",
          statutory_days=20, committed_days=7,
          conditions="申请建设工程规划许可需提交现状地形图的建设项目。",
          fee_standard=MARKET_FEE, fee_range=(3000, 40000),
          implementing="取得相应等级测绘资质的单位"),
    _item("房产测绘", "测绘服务", approval_item="商品房预售许可、房屋所有权登记",
          department="住房和城乡建设局",
          legal_basis="《房产测绘管理办法》（建设部、国家测绘局令第83号）第四条；"
                      "《中华人民共和国城市房地产管理法》第四十五条",
          statutory_days=10, committed_days=5,
          conditions="申请商品房预售许可或办理房屋登记的房屋。",
          fee_standard="政府指导价：按建筑面积计收，不超过当地价格主管部门核定的标准",
          fee_type=FEE_GOVERNMENT, fee_range=(2000, 30000),
          implementing="取得相应等级测绘资质的单位"),
    _item("不动产测绘（地籍测绘）", "测绘服务", approval_item="不动产首次登记",
          department="自然资源和规划局（不动产登记中心）",
          legal_basis="《不动产登记暂行条例》第十六条；《不动产登记暂行条例实施细则》第二十七条",
          statutory_days=30, committed_days=5,
          conditions="申请不动产首次登记需提交不动产权籍调查成果的权利人。",
          fee_standard="政府指导价：宗地测绘按宗地面积分档计收",
          fee_type=FEE_GOVERNMENT, fee_range=(1500, 20000),
          implementing="取得相应等级测绘资质的单位"),
    # 住房和城乡建设
    _item("施工图设计文件审查", "住房和城乡建设", approval_item="建筑工程施工许可证核发",
          department="住房和城乡建设局",
          legal_basis="《建设工程质量管理条例》第十一条；《房屋建筑和市政基础设施工程施工图设计文件审查"
                      "管理办法》（住房城乡建设部令第13号）第三条",
          statutory_days=15, committed_days=7,
          conditions="房屋建筑和市政基础设施工程（已实行政府购买审查服务的地区由政府支付费用）。",
          fee_standard="政府购买服务地区由财政支付；其余为市场调节价",
          fee_range=(10000, 150000),
          implementing="经省级住房城乡建设主管部门认定的施工图审查机构"),
    _item("房屋安全鉴定", "住房和城乡建设", approval_item="改变房屋主体结构的装修审批",
          department="住房和城乡建设局",
          legal_basis="《城市危险房屋管理规定》第六条；《住宅室内装饰装修管理办法》第六条",
          statutory_days=20, committed_days=10,
          conditions="需改变房屋主体和承重结构，或房屋存在安全隐患需鉴定的。",
          fee_standard="政府指导价：按鉴定面积分档计收，最低收费不低于规定下限",
          fee_type=FEE_GOVERNMENT, fee_range=(2000, 30000)),
    _item("工程造价咨询（投资估算、概算编审）", "住房和城乡建设",
          approval_item="政府投资项目初步设计及概算审批", department="发展和改革局",
          legal_basis="《政府投资条例》（国务院令第712号）第十条；《建筑工程施工发包与承包计价管理办法》"
                      "（住房城乡建设部令第16号）",
          statutory_days=20, committed_days=10,
          conditions="政府投资项目编制投资估算、初步设计概算。",
          fee_standard=MARKET_FEE, fee_range=(5000, 100000)),
    _item("招标代理", "住房和城乡建设", approval_item="依法必须招标项目的招标方案核准",
          department="发展和改革局",
          legal_basis="《中华人民共和国招标投标法》第十二条、第十三条",
          statutory_days=10, committed_days=5,
          conditions="依法必须进行招标、招标人不具备自行招标能力的项目。",
          fee_standard=MARKET_FEE, fee_range=(5000, 80000)),
    # 气象、地震与消防
    _item("防雷装置检测", "气象、地震与消防", approval_item="防雷装置竣工验收",
          department="气象局",
          legal_basis="《气象灾害防御条例》第二十三条；《防雷减灾管理办法》（中国气象局令第24号）第十九条",
          statutory_days=10, committed_days=5,
          conditions="油库、气库、弹药库、化学品仓库、民用爆炸物品等易燃易爆建设工程和场所，雷电易发区内的"
                     "矿区、旅游景点或者投入使用的建（构）筑物、设施等需要单独安装雷电防护装置的场所。",
          fee_standard="政府指导价：按检测点数计收（各省发展改革部门公布的标准）",
          fee_type=FEE_GOVERNMENT, fee_range=(1000, 15000),
          implementing="取得雷电防护装置检测资质的单位"),
    _item("地震安全性评价", "气象、地震与消防",
          approval_item="建设工程抗震设防要求确定", department="地震局",
          legal_basis="《中华人民共和国防震减灾法》第三十五条；《地震安全性评价管理条例》第十一条",
          statutory_days=15, committed_days=10,
          conditions="重大建设工程和可能发生严重次生灾害的建设工程。",
          fee_standard=MARKET_FEE, fee_range=(50000, 300000)),
    _item("消防设施检测", "气象、地震与消防",
          approval_item="公众聚集场所投入使用、营业前消防安全检查", department="消防救援支队",
          legal_basis="《中华人民共和国消防法》第十六条、第三十四条；《社会消防技术服务管理规定》"
                      "（应急管理部令第7号）",
          statutory_days=10, committed_days=5,
          conditions="公众聚集场所投入使用、营业前，以及建筑消防设施年度检测。",
          fee_standard=MARKET_FEE, fee_range=(2000, 40000),
          implementing="具备从业条件的消防技术服务机构"),
    # 文物保护
    _item("文物影响评估报告编制", "文物保护",
          approval_item="文物保护单位建设控制地带内建设工程设计方案审批", department="文化和旅游局",
          legal_basis="《中华人民共和国文物保护法》第十七条、第十八条；《中华人民共和国文物保护法实施条例》"
                      "第十五条",
          statutory_days=20, committed_days=15,
          conditions="在文物保护单位保护范围或建设控制地带内进行工程建设的。",
          fee_standard=MARKET_FEE, fee_range=(20000, 120000)),
    # 财务审计与资产评估
    _item("资产评估", "财务审计与资产评估", approval_item="国有资产评估项目核准或备案",
          department="国有资产监督管理委员会",
          legal_basis="《中华人民共和国资产评估法》第三条；《国有资产评估管理办法》（国务院令第91号）第三条",
          statutory_days=20, committed_days=10,
          conditions="国有企业发生产权转让、改制、合资等需评估的经济行为。",
          fee_standard=MARKET_FEE, fee_range=(5000, 200000),
          implementing="依法设立的资产评估机构"),
    _item("竣工财务决算审计报告", "财务审计与资产评估",
          approval_item="基本建设项目竣工财务决算审批", department="财政局",
          legal_basis="《基本建设财务规则》（财政部令第81号）第三十六条",
          statutory_days=30, committed_days=20,
          conditions="已竣工的政府投资基本建设项目。",
          fee_standard=MARKET_FEE, fee_range=(5000, 100000),
          implementing="依法设立的会计师事务所或工程造价咨询机构"),
]

# The qualifications the law requires for each item (R3): (name, grade, legal basis, issuing
# authority[, abolished by, abolished on]). An abolished one stays listed, marked, and cannot
# be picked; an item absent here needs no qualification. The articles are cited from the
# published texts; check them against the official text when the list changes.
_SURVEY = ("测绘资质", "乙级", "《中华人民共和国测绘法》第二十七条；《测绘资质管理办法》（自然资规〔2021〕3号）",
           "自然资源部或省级自然资源主管部门")
_SAFETY = ("安全评价机构资质", "", "《中华人民共和国安全生产法》第七十二条；"
           "《安全评价检测检验机构管理办法》（应急管理部令第1号）第三条", "应急管理部或省级应急管理部门")
_OCCUPATIONAL = ("职业卫生技术服务机构资质", "", "《中华人民共和国职业病防治法》第二十六条；"
                 "《职业卫生技术服务机构管理办法》（国家卫生健康委员会令第4号）",
                 "国家卫生健康委员会或省级卫生健康主管部门")
_CONSULTING_ABOLISHED = (
    "工程咨询单位资格认定", "", "《工程咨询单位资格认定办法》（国家发展改革委令第29号）", "国家发展和改革委员会",
    "《国务院关于取消一批行政许可事项的决定》（国发〔2017〕46号）", "2017-09-22")
_EIA_ABOLISHED = (
    "建设项目环境影响评价资质", "", "《中华人民共和国环境影响评价法》（2016年修正）第十九条", "生态环境部",
    "《全国人民代表大会常务委员会关于修改〈中华人民共和国劳动法〉等七部法律的决定》", "2018-12-29")
STATUTORY_QUALIFICATIONS = {
    "项目申请报告编制": [_CONSULTING_ABOLISHED],
    "可行性研究报告编制": [_CONSULTING_ABOLISHED],
    "环境影响评价报告书编制": [_EIA_ABOLISHED],
    "环境影响评价报告表编制": [_EIA_ABOLISHED],
    "安全预评价报告编制": [_SAFETY],
    "安全验收评价报告编制": [_SAFETY],
    "职业病危害预评价报告编制": [_OCCUPATIONAL],
    "职业病危害控制效果评价报告编制": [_OCCUPATIONAL],
    "地质灾害危险性评估": [("地质灾害评估和治理工程勘查设计资质", "乙级",
                        "《地质灾害防治条例》；《地质灾害防治单位资质管理办法》（自然资源部令第8号）第二条",
                        "自然资源部或省级自然资源主管部门")],
    "土地勘测定界": [_SURVEY],
    "建设工程地形图测绘": [_SURVEY],
    "房产测绘": [_SURVEY],
    "不动产测绘（地籍测绘）": [_SURVEY],
    "建设工程规划设计方案编制": [("工程设计资质", "", "《中华人民共和国建筑法》第十三条；《建设工程勘察设计管理条例》第七条",
                          "住房和城乡建设部或省级住房和城乡建设主管部门")],
    "施工图设计文件审查": [("施工图审查机构认定", "", "《建设工程质量管理条例》第十一条；"
                       "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》（住房和城乡建设部令第13号）",
                       "省级住房和城乡建设主管部门")],
    "房屋安全鉴定": [("检验检测机构资质认定（CMA）", "", "《中华人民共和国计量法》第二十二条；"
                  "《检验检测机构资质认定管理办法》（国家市场监督管理总局令第38号）",
                  "国家市场监督管理总局或省级市场监督管理部门")],
    "工程造价咨询（投资估算、概算编审）": [(
        "工程造价咨询企业资质", "", "《工程造价咨询企业管理办法》（建设部令第149号）", "住房和城乡建设部",
        "《国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知》（国发〔2021〕7号）",
        "2021-07-01")],
    "招标代理": [(
        "工程建设项目招标代理机构资格", "", "《中华人民共和国招标投标法》（1999年）第十三条", "住房和城乡建设部",
        "《全国人民代表大会常务委员会关于修改〈中华人民共和国招标投标法〉、〈中华人民共和国计量法〉的决定》",
        "2017-12-27")],
    "防雷装置检测": [("雷电防护装置检测资质", "乙级", "《气象灾害防御条例》第二十三条；《雷电防护装置检测资质管理办法》",
                  "中国气象局或省级气象主管机构")],
    "资产评估": [("资产评估机构备案", "", "《中华人民共和国资产评估法》第十六条", "省级财政部门")],
    "竣工财务决算审计报告": [("会计师事务所执业许可", "", "《中华人民共和国注册会计师法》；"
                        "《会计师事务所执业许可和监督管理办法》（财政部令第97号）", "财政部或省级财政部门")],
}

# Agencies: (name, region code, nature, specialities (item title keywords), legal rep.)
# Natures: enterprise by default; a few public institutions / partnerships for variety.
SPECIALITIES = {
    "env": ["环境影响评价报告书编制", "环境影响评价报告表编制", "入河排污口设置论证报告编制"],
    "water": ["水土保持方案编制", "洪水影响评价报告编制", "水资源论证报告书编制",
              "入河排污口设置论证报告编制"],
    "safety": ["安全预评价报告编制", "安全验收评价报告编制", "职业病危害预评价报告编制",
               "职业病危害控制效果评价报告编制"],
    "geo": ["地质灾害危险性评估", "压覆矿产资源评估报告编制", "土地勘测定界", "地震安全性评价"],
    "survey": ["建设工程地形图测绘", "房产测绘", "不动产测绘（地籍测绘）", "土地勘测定界"],
    "consult": ["项目申请报告编制", "可行性研究报告编制", "固定资产投资项目节能报告编制",
                "社会稳定风险评估报告编制", "能源审计报告编制"],
    "plan": ["建设工程规划设计方案编制", "交通影响评价报告编制", "建设项目使用林地可行性报告编制",
             "文物影响评估报告编制"],
    "build": ["施工图设计文件审查", "房屋安全鉴定", "工程造价咨询（投资估算、概算编审）", "招标代理"],
    "lightning": ["防雷装置检测", "消防设施检测"],
    "finance": ["资产评估", "竣工财务决算审计报告", "工程造价咨询（投资估算、概算编审）"],
}

SUFFIX = {
    "env": "环境科技有限公司", "water": "水利水电勘测设计有限公司", "safety": "安全技术服务有限公司",
    "geo": "地质工程勘察院有限公司", "survey": "测绘地理信息有限公司", "consult": "工程咨询有限公司",
    "plan": "规划设计研究院有限公司", "build": "建设工程咨询有限公司", "lightning": "防雷检测技术有限公司",
    "finance": "资产评估事务所有限公司",
}

# Seeds (by index) registered in a district rather than their province: 武汉市洪山区, 武昌区.
AGENCY_DISTRICTS = {0: "420111", 1: "420106"}

# (city, region code (province), brand word, speciality)
AGENCY_SEEDS = [
    ("武汉", "420000", "楚天", "env"), ("武汉", "420000", "江汉", "survey"),
    ("宜昌", "420000", "三峡", "water"), ("襄阳", "420000", "汉江", "consult"),
    ("长沙", "430000", "湘江", "env"), ("长沙", "430000", "麓山", "safety"),
    ("株洲", "430000", "炎帝", "lightning"), ("南京", "320000", "金陵", "plan"),
    ("苏州", "320000", "姑苏", "build"), ("无锡", "320000", "太湖", "finance"),
    ("杭州", "330000", "之江", "consult"), ("宁波", "330000", "甬江", "survey"),
    ("温州", "330000", "瓯江", "safety"), ("合肥", "340000", "庐州", "geo"),
    ("芜湖", "340000", "皖江", "env"), ("福州", "350000", "闽江", "water"),
    ("厦门", "350000", "鹭岛", "plan"), ("南昌", "360000", "赣江", "geo"),
    ("赣州", "360000", "章贡", "survey"), ("济南", "370000", "泉城", "safety"),
    ("青岛", "370000", "琴岛", "build"), ("郑州", "410000", "中原", "consult"),
    ("洛阳", "410000", "河洛", "geo"), ("广州", "440000", "羊城", "env"),
    ("深圳", "440000", "鹏城", "finance"), ("佛山", "440000", "南海", "lightning"),
    ("南宁", "450000", "邕江", "water"), ("海口", "460000", "琼州", "plan"),
    ("成都", "510000", "蜀都", "geo"), ("绵阳", "510000", "涪江", "safety"),
    ("重庆", "500000", "巴渝", "water"), ("重庆", "500000", "山城", "survey"),
    ("贵阳", "520000", "筑城", "consult"), ("昆明", "530000", "滇池", "env"),
    ("西安", "610000", "长安", "plan"), ("宝鸡", "610000", "秦岭", "geo"),
    ("兰州", "620000", "陇原", "water"), ("西宁", "630000", "昆仑", "safety"),
    ("银川", "640000", "贺兰", "lightning"), ("乌鲁木齐", "650000", "天山", "consult"),
    ("呼和浩特", "150000", "青城", "survey"), ("太原", "140000", "晋阳", "safety"),
    ("石家庄", "130000", "燕赵", "build"), ("沈阳", "210000", "盛京", "finance"),
    ("长春", "220000", "北国", "env"), ("哈尔滨", "230000", "冰城", "geo"),
    ("北京", "110000", "京华", "consult"), ("天津", "120000", "津门", "build"),
    ("上海", "310000", "浦江", "finance"), ("上海", "310000", "申城", "plan"),
    ("拉萨", "540000", "雪域", "survey"), ("武汉", "420000", "东湖", "lightning"),
    ("南京", "320000", "钟山", "water"), ("成都", "510000", "锦城", "env"),
]

QUALIFICATIONS = {
    "survey": ("测绘资质", "乙级", "自然资源厅"),
    "safety": ("安全评价机构资质", "", "应急管理厅"),
    "lightning": ("雷电防护装置检测资质", "乙级", "气象局"),
    "geo": ("地质灾害评估和治理工程勘查设计资质", "甲级", "自然资源厅"),
    "finance": ("资产评估机构备案", "", "财政厅"),
    "build": ("施工图审查机构认定", "一类", "住房和城乡建设厅"),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁"
GIVEN = ["建国", "志强", "海燕", "晓明", "丽华", "文博", "佳怡", "国栋", "春梅", "永红", "立新", "秀英",
         "宏伟", "静", "磊", "芳", "勇", "敏", "伟", "婷"]

COMMITMENTS = [
    "接受委托后按约定时限提交成果；成果未通过技术审查的，免费修改直至通过。",
    "安排注册专业人员全程负责，现场踏勘不少于两次，收费公开透明、不收取合同外费用。",
    "承诺比审批部门规定时限提前完成；对成果质量终身负责。",
    "提供一对一项目经理服务，工作日24小时内响应。",
]

GOV_TIE = {
    "seed_index": 22,  # 洛阳河洛…: declares a tie (R8), shown publicly
    "department": "洛阳市自然资源和规划局",
    "details": "本单位原为该局下属事业单位，2019年完成脱钩改制，现仍有两名退休人员返聘。",
}
