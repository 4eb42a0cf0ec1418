"""Load demo logins and fifteen decisions of a town government, one or more at every stage,
and the year's published catalogue of decision items they carry out.

The matters come from 季家镇's 2024 rule-of-law report. Each decision is driven by the person each
step belongs to, through the same flow, services and gates as the web forms.
"""

import datetime
import unicodedata

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings

from decisions.models import Decision
from decisions.rulebook import HeadDecision, ReviewOutcome, Stage
from workflows.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DecisionDriver,
    DemoItem,
    Story,
    catalogue_scene,
    demo_data_present,
    demo_users_create,
)

NOT_NEEDED = "不需要"


def proposal(title, lead_unit, source, problem, basis, plan, necessity, articles, *,
             public=True, experts=False, risk=False, skip=None, exploratory=False,
             outside_catalogue=""):
    """A proposal; it carries out the item of the year's catalogue with its title
    (DecisionDriver) unless ``outside_catalogue`` says why the catalogue does not list it."""
    return {
        "title": title, "lead_unit": lead_unit, "proposal_source": source, "problem": problem,
        "legal_basis": basis, "plan": plan, "necessity": necessity,
        "draft_text": "\n".join(articles), "needs_public_participation": public,
        "needs_expert_input": experts, "needs_risk_assessment": risk,
        "exploratory_reform": exploratory, "skip_reasons": skip or {},
        "outside_catalogue_reason": outside_catalogue,
    }


def comment(source, text, adoption, reason):
    return {"source": source, "text": text, "adoption": adoption, "reason": reason}


AGREE = ("agree", "")


def conflict_mediation(people, ago):
    """Published and archived: public participation only."""
    yield ago(175)
    d = DecisionDriver(people, **proposal(
        "季家镇矛盾纠纷多元化解工作办法", "综治中心", "leader",
        "全镇8个村（社区）年排处矛盾纠纷近500件，邻里、土地纠纷多，行政调解、人民调解、"
        "司法调解衔接不够顺畅。",
        ["《中华人民共和国人民调解法》", "《信访工作条例》"],
        "建立镇、村、组三级排查调处机制，明确各类调解的衔接程序和时限。",
        "必要：把矛盾化解在基层；可行：各村已配备调解员。",
        ["第一条 为依法有效化解社会矛盾纠纷，制定本办法。",
         "第二条 镇、村（社区）、组三级每月开展一次矛盾纠纷排查。",
         "第三条 行政调解、人民调解、司法调解相互衔接，调解期限一般不超过三十日。"],
        skip={"expert_input": "不涉及专业技术问题", "risk_assessment": "不涉及社会稳定风险"}))
    yield ago(174)
    d.submit()
    yield ago(171)
    d.accept()
    yield ago(138)
    d.participate(method="courtyard", opened=ago(168), days=30, comments=[
        comment("石马村村民代表", "建议调解员名单在村务公开栏公示。", "adopted",
                "便于群众联系，已写入第二条。"),
        comment("镇人大代表李某", "建议增加律师参与调解的渠道。", "partly_adopted",
                "法律顾问每月驻点一天，暂不设专门律师调解室。"),
    ])
    yield ago(128)
    d.review(ReviewOutcome.LAWFUL)
    yield ago(115)
    d.meet(HeadDecision.ADOPTED,
           positions={"member1": AGREE, "member2": AGREE, "member3": AGREE})
    yield ago(110)
    d.publish(explanation="采纳了公示调解员名单的意见；律师参与调解的意见部分采纳。",
              reported_on=ago(113), report_ref="季家委请〔2025〕21号")


def market_stalls(people, ago):
    """Found unlawful, revised, then lawful; adopted over one dissent, published, archived."""
    yield ago(230)
    d = DecisionDriver(people, **proposal(
        "季家镇农贸市场摊位租赁管理办法", "经济发展办公室", "department",
        "农贸市场摊位长期由少数人转租，租金不透明，赶集日占道经营突出。",
        ["《中华人民共和国民法典》", "《集贸市场管理办法》", "《重庆市市容环境卫生管理条例》"],
        "摊位统一公开招租，租期两年，禁止转租，收益纳入镇财政管理。",
        "必要：规范市场秩序；可行：市场已完成改造，摊位编号登记完毕。",
        ["第一条 为规范农贸市场摊位租赁，制定本办法。",
         "第二条 摊位通过公开竞价方式出租，竞租人限本镇户籍居民。",
         "第三条 承租人擅自转租的，由镇人民政府处五千元罚款。"],
        experts=True, skip={"risk_assessment": "不涉及社会稳定风险"}))
    yield ago(229)
    d.submit()
    yield ago(226)
    d.accept(experts=["expert2"])
    yield ago(210)
    d.expert_opinion("expert2", "方案总体可行，建议租期与市场改造贷款期限衔接。")
    yield ago(205)
    d.adopt_opinion("expert2", "adopted", "租期定为两年，与改造贷款期限衔接。")
    yield ago(192)
    # Arts. 14-17: the draft on the government website for 30 days, and a hearing for the
    # stallholders whose livelihood it touches, its materials sent 10 days before.
    d.consult(
        {"method": "online", "channel": "季家镇人民政府网站", "window_start": ago(222),
         "window_end": ago(193),
         "notice": "公布草案及说明，通过电子邮件或信函向经济发展办公室提出意见，期限30日。",
         "comments": [
             comment("消费者张某", "建议设置公平秤。", "adopted", "已在第四条中规定。")]},
        {"method": "hearing", "channel": "镇政府三楼会议室",
         "window_start": ago(200), "window_end": ago(200), "hearing_on": ago(200),
         "materials_sent_on": ago(210), "record_confirmed": True,
         "notice": "听证会定于草案公布后第22日上午9时在镇政府三楼会议室举行，草案及说明同时公布；"
                   "听证参加人名单提前公布。",
         "comments": [
             comment("商户王某", "希望老商户有优先续租权。", "not_adopted",
                     "与公开竞价原则不符。")]},
    )
    yield ago(182)
    d.review(ReviewOutcome.UNLAWFUL,
             authority="乡镇人民政府无权通过规范性文件设定行政处罚。",
             content="第二条限定本镇户籍居民竞租，排除外地经营者，违反公平竞争审查制度；"
                     "第三条设定罚款，违反《中华人民共和国行政处罚法》第十四条、第十六条。",
             counsel_opinion="草案第三条设定罚款，乡镇人民政府无此权限；建议将罚款改为依合同约定"
                             "解除租赁合同，并删除户籍限制。")
    yield ago(176)
    d.revise(addition="（修订）第二条 摊位通过公开竞价方式出租，不得限定竞租人户籍。\n"
                      "第三条 承租人擅自转租的，镇人民政府依租赁合同约定解除合同。\n"
                      "第四条 市场设置公平秤。",
             response="已删除户籍限制和罚款条款，改为合同约定解除。")
    yield ago(170)
    d.review(ReviewOutcome.LAWFUL, content="修订稿已删除违法条款，内容合法。")
    yield ago(160)
    d.meet(HeadDecision.ADOPTED, positions={
        "member1": AGREE, "member2": AGREE,
        "member3": ("disagree", "担心老商户失去摊位引发上访，建议设过渡期。")})
    yield ago(155)
    d.publish(explanation="采纳了设置公平秤的意见；老商户优先续租的意见未采纳，理由已公开。",
              reported_on=ago(158), report_ref="季家委请〔2025〕17号")


def market_relocation(people, ago):
    """Not adopted at the meeting: archived without publication."""
    yield ago(140)
    d = DecisionDriver(people, **proposal(
        "季家镇集镇农贸市场整体搬迁方案", "经济发展办公室", "leader",
        "现农贸市场位于集镇主街，赶集日交通拥堵。",
        ["《中华人民共和国城乡规划法》", "《重庆市城乡规划条例》"],
        "将农贸市场整体搬迁至集镇东侧新址。",
        "必要：缓解主街拥堵；可行性：新址用地需调整规划。",
        ["第一条 农贸市场整体搬迁至集镇东侧新址。", "第二条 原址改建为停车场。"],
        risk=True, skip={"expert_input": "选址论证由区规划部门负责"}))
    yield ago(139)
    d.submit()
    yield ago(136)
    d.accept()
    yield ago(120)
    d.assess_risk(controllable=True, risk_points="部分商户和老年群众反对搬迁。",
                  measures="开通赶集日接驳车，首年减免摊位费。", response_plan="设立搬迁咨询点。")
    yield ago(103)
    d.participate(method="survey", opened=ago(133), days=30, comments=[
        comment("问卷汇总（312份）", "62%的受访群众认为新址离居民区太远。", "not_adopted",
                "提交集体讨论时一并说明。"),
    ])
    yield ago(95)
    d.review(ReviewOutcome.LAWFUL)
    yield ago(80)
    d.meet(HeadDecision.NOT_ADOPTED, kind="party_committee", positions={
        "member1": ("disagree", "群众支持率低，时机不成熟。"),
        "member2": ("disagree", "新址规划调整尚未获批。"),
        "member3": AGREE})


def farmland(people, ago):
    """Adopted, reviewed lawful with the legal risk stated; the office has yet to publish it."""
    yield ago(95)
    d = DecisionDriver(people, **proposal(
        "季家镇高标准农田建设项目实施方案", "农业服务中心", "department",
        "部分耕地碎片化、灌溉设施老化，撂荒现象时有发生。",
        ["《中华人民共和国农业法》", "《农田水利条例》", "《中华人民共和国农村土地承包法》"],
        "建设高标准农田3000亩，引入社会资本参与土地经营权流转后的建后管护。",
        "必要：保障粮食安全；可行：已列入区级项目库。",
        ["第一条 建设高标准农田3000亩。",
         "第二条 建成后由村集体经济组织与社会资本合作管护。"],
        experts=True, skip={"risk_assessment": "项目不涉及征地拆迁"},
        # Art. 25 para. 2: social capital in the upkeep after construction is an exploratory
        # reform on which the state has no clear rule; only such a draft may be found lawful
        # with the legal risk stated.
        exploratory=True))
    yield ago(94)
    d.submit()
    yield ago(91)
    d.accept(experts=["expert"])
    yield ago(75)
    d.expert_opinion("expert", "灌排设计标准可行，建议增加田间道路。")
    yield ago(70)
    d.adopt_opinion("expert", "adopted", "已在工程设计中增加田间道路。")
    yield ago(58)
    d.participate(method="symposium", opened=ago(88), days=30, comments=[
        comment("宝林村村民代表", "希望渠系建到田间地头。", "adopted", "已纳入工程设计。"),
    ])
    yield ago(45)
    d.review(ReviewOutcome.LAWFUL_WITH_RISK,
             risk_statement="社会资本参与建后管护属于探索性做法，国家尚无明确规定，"
                            "合作协议须明确土地用途不得改变。")
    yield ago(8)
    d.meet(HeadDecision.ADOPTED, risk_acknowledged=True,
           positions={"member1": AGREE, "member2": AGREE, "member3": AGREE})


def sewage(people, ago):
    """The head decided 'revise and discuss again': back with the drafter."""
    yield ago(125)
    d = DecisionDriver(people, **proposal(
        "季家镇农村生活污水治理设施运维管理办法", "规划建设管理环保办公室", "department",
        "已建成的村级污水处理设施缺少运维，部分停运。",
        ["《中华人民共和国水污染防治法》", "《重庆市水污染防治条例》"],
        "镇统一委托第三方运维，运维费用由财政和受益农户分担。",
        "必要：防止设施闲置；可行：已有第三方报价。",
        ["第一条 全镇村级污水处理设施实行统一运维。",
         "第二条 运维费用由镇财政承担百分之六十，受益农户承担百分之四十。"],
        skip={"expert_input": "运维标准已有行业规范", "risk_assessment": "不涉及社会稳定风险"}))
    yield ago(124)
    d.submit()
    yield ago(121)
    d.accept()
    yield ago(88)
    d.participate(method="courtyard", opened=ago(118), days=30, comments=[
        comment("双河村院坝会", "农户分担比例太高。", "not_adopted", "提交会议研究。"),
    ])
    yield ago(78)
    d.review(ReviewOutcome.LAWFUL)
    yield ago(20)
    d.meet(HeadDecision.REVISE,
           head_reason="农户分担比例偏高，请重新测算后再议。",
           positions={"member1": AGREE, "member2": ("disagree", "农户负担过重。"),
                      "member3": ("disagree", "应先争取区级补助。")})


def street_lights(people, ago):
    """Deferred by the head: it waits for the next meeting."""
    yield ago(110)
    d = DecisionDriver(people, **proposal(
        "季家镇镇村公共照明设施建设及管护方案", "规划建设管理环保办公室", "deputies",
        "多名人大代表反映村道夜间无照明，存在安全隐患。",
        ["《中华人民共和国道路交通安全法》", "《重庆市市政设施管理条例》"],
        "新建太阳能路灯800盏，由村民小组负责日常管护。",
        "必要：群众夜间出行安全；可行：单价已询价。",
        ["第一条 在主要村道新建太阳能路灯800盏。", "第二条 路灯由所在村民小组负责日常管护。"],
        skip={"expert_input": "技术方案简单", "risk_assessment": "不涉及社会稳定风险"}))
    yield ago(109)
    d.submit()
    yield ago(106)
    d.accept()
    yield ago(73)
    d.participate(method="written", opened=ago(103), days=30, comments=[
        comment("镇人大代表", "建议优先安装在学校周边。", "adopted", "已调整安装顺序。"),
    ])
    yield ago(60)
    d.review(ReviewOutcome.LAWFUL)
    yield ago(12)
    d.meet(HeadDecision.DEFERRED,
           head_reason="资金来源待区财政局批复后再议。",
           positions={"member1": AGREE, "member2": AGREE},
           absent={"member3": "参加区级培训，请假"})


def livelihood_projects(people, ago):
    """Reviewed lawful: waiting for the decision organ's meeting."""
    yield ago(80)
    d = DecisionDriver(people, **proposal(
        "季家镇2025年重点民生实事项目安排", "党政办", "leader",
        "群众对饮水、出行、就医等方面诉求集中。",
        ["《中华人民共和国预算法》", "《重庆市民生实事项目管理办法》"],
        "确定2025年十件民生实事及资金安排。",
        "必要：回应群众诉求；可行：资金已纳入年度预算。",
        ["第一条 2025年实施十件民生实事。", "第二条 各项目明确责任单位和完成时限。"],
        skip={"expert_input": "不涉及专业技术问题", "risk_assessment": "不涉及社会稳定风险"}))
    yield ago(79)
    d.submit()
    yield ago(76)
    d.accept()
    yield ago(43)
    d.participate(method="survey", opened=ago(73), days=30, comments=[
        comment("问卷汇总（520份）", "希望增加农村客运班次。", "adopted", "列为第三件实事。"),
    ])
    yield ago(30)
    d.review(ReviewOutcome.LAWFUL)


def public_jobs(people, ago):
    """Returned by the reviewer for more material: the drafter must supplement the draft."""
    yield ago(52)
    d = DecisionDriver(people, **proposal(
        "季家镇村（社区）公益性岗位开发管理实施细则", "社会事务办公室", "department",
        "脱贫户和就业困难人员就近就业渠道少。",
        ["《中华人民共和国就业促进法》", "《就业补助资金管理办法》"],
        "开发保洁、护路、护林等公益性岗位60个。",
        "必要：稳岗就业；可行：就业补助资金已下达。",
        ["第一条 开发村（社区）公益性岗位60个。", "第二条 岗位人员每年考核一次。"],
        skip={"expert_input": "不涉及专业技术问题", "risk_assessment": "不涉及社会稳定风险"}))
    yield ago(51)
    d.submit()
    yield ago(48)
    d.accept()
    yield ago(16)
    d.participate(method="written", opened=ago(46), days=30, comments=[
        comment("新胜村委会", "建议优先安置脱贫户。", "adopted", "写入第三条。"),
    ])
    yield ago(6)
    d.review(ReviewOutcome.RETURNED, procedure="缺少资金来源说明和岗位人员认定标准的依据，"
                                               "请补充后重新报送。",
             content="待补充材料后审查。")


def geohazards(people, ago):
    """Consultation done (public, expert, risk): waiting for legality review."""
    yield ago(42)
    d = DecisionDriver(people, **proposal(
        "季家镇地质灾害隐患点综合治理方案", "规划建设管理环保办公室", "department",
        "全镇有地质灾害隐患点11处，雨季威胁群众安全。",
        ["《地质灾害防治条例》", "《重庆市地质灾害防治条例》"],
        "对11处隐患点分类实施工程治理、搬迁避让和群测群防。",
        "必要：保障群众生命安全；可行：区级专项资金已安排。",
        ["第一条 对全镇11处地质灾害隐患点实施综合治理。",
         "第二条 受威胁农户自愿搬迁避让的，按区级标准给予补助。"],
        experts=True, risk=True))
    yield ago(41)
    d.submit()
    yield ago(39)
    d.accept(experts=["expert"])
    yield ago(25)
    d.expert_opinion("expert", "工程治理措施适当，建议对3号隐患点加密监测。")
    yield ago(15)
    d.assess_risk(controllable=True, risk_points="个别农户不愿搬迁。",
                  measures="一户一策做工作，自愿搬迁。", response_plan="汛期启动临时避险。")
    yield ago(7)
    d.participate(method="courtyard", opened=ago(37), days=30, comments=[
        comment("玉峰村受威胁农户", "搬迁补助标准偏低。", "partly_adopted", "增加过渡安置费。"),
    ])


def black_goats(people, ago):
    """Risk found not controllable; the draft was revised and awaits a new assessment."""
    yield ago(45)
    d = DecisionDriver(people, **proposal(
        "黑山羊养殖基地招商引资及配套设施用地方案", "经济发展办公室", "leader",
        "黑山羊养殖基地落地需要配套设施用地和粪污处理方案。",
        ["《中华人民共和国畜牧法》", "《畜禽规模养殖污染防治条例》",
         "《中华人民共和国土地管理法》"],
        "在青龙村建设存栏5000只的黑山羊养殖基地，配套设施用地20亩。",
        "必要：发展特色产业；可行：企业已签订投资意向书。",
        ["第一条 在青龙村建设黑山羊养殖基地。", "第二条 配套设施用地20亩，依法办理备案。"],
        experts=True, risk=True))
    yield ago(44)
    d.submit()
    yield ago(41)
    d.accept(experts=["expert2"])
    yield ago(25)
    d.expert_opinion("expert2", "选址离水源地过近，粪污处理工艺需明确。")
    yield ago(14)
    d.assess_risk(controllable=False, risk_points="粪污处理设施未明确，距村饮用水源不足500米，"
                                                  "群众反映强烈，可能引发群体性上访。",
                  measures="暂无。", response_plan="调整选址和粪污处理方案后重新评估。")
    yield ago(9)
    d.participate(method="courtyard", opened=ago(39), days=30, comments=[
        comment("青龙村村民", "担心养殖异味和粪污影响饮用水。", "adopted", "提交风险评估。"),
    ])
    yield ago(4)
    d.revise(node_name="revision_after_risk",
             addition="第三条 养殖区距饮用水源不少于1000米，粪污经发酵处理后全部还田利用。",
             response="已调整选址并明确粪污资源化利用方案。")


def flood_plan(people, ago):
    """Expert input under way: one expert has signed, the other has not."""
    yield ago(30)
    d = DecisionDriver(people, **proposal(
        "季家镇防汛抗旱应急预案（2025年修订）", "应急管理办公室", "leader",
        "原预案未覆盖新建水库和山洪沟，职责分工不清。",
        ["《中华人民共和国防洪法》", "《中华人民共和国突发事件应对法》",
         "《中华人民共和国抗旱条例》"],
        "修订预警分级、转移避险和物资储备规定。",
        "必要：主汛期前完成修订；可行：沿用区级预案框架。",
        ["第一条 为做好防汛抗旱工作，制定本预案。",
         "第二条 预警分为四级，由镇防汛抗旱指挥部发布。"],
        experts=True, risk=True))
    yield ago(29)
    d.submit()
    yield ago(27)
    d.accept(experts=["expert", "expert2"])
    yield ago(18)
    d.expert_opinion("expert2", "抗旱物资储备标准合理。")
    yield ago(13)
    d.assess_risk(controllable=True, risk_points="转移避险时老人、留守儿童行动不便。",
                  measures="网格员一对一包户。", response_plan="启动应急响应。")
    yield ago(10)
    d.participate(method="online", opened=ago(25), days=15,
                  shortening_reason="主汛期将至，预案须在汛前印发，征求意见期缩短为15日并已公告理由。",
                  comments=[comment("网民“季家人”", "转移路线应在村里张贴。", "adopted",
                                    "写入第五条。")])


def village_environment(people, ago):
    """Public participation, expert input and risk assessment all open, side by side."""
    yield ago(6)
    d = DecisionDriver(people, **proposal(
        "季家镇农村人居环境整治三年行动方案", "农业服务中心", "leader",
        "部分村社生活垃圾收运不及时、厕所改造不彻底，群众反映强烈。",
        ["《中华人民共和国固体废物污染环境防治法》", "《重庆市生活垃圾管理条例》"],
        "三年内实现生活垃圾收运全覆盖、卫生厕所普及率95%。",
        "必要：改善农村人居环境；可行：资金已纳入预算。",
        ["第一条 为改善农村人居环境，制定本方案。",
         "第二条 生活垃圾实行户分类、村收集、镇转运。",
         "第三条 卫生厕所改造按每户一千元标准补助。"],
        experts=True, risk=True))
    yield ago(5)
    d.submit()
    yield ago(3)
    d.accept(experts=["expert"])


def street_order(people, ago):
    """Returned by the office once, amended and resubmitted: awaiting acceptance again."""
    basis = ["《中华人民共和国行政处罚法》", "《城市市容和环境卫生管理条例》"]
    yield ago(9)
    d = DecisionDriver(people, **proposal(
        "季家镇占道经营和乱停乱放集中整治工作方案", "综合行政执法大队", "leader",
        "赶集日占道经营、乱停乱放、违规搭建现象突出。",
        basis[:1],
        "分三个月集中整治，设置临时疏导点。",
        "必要：维护镇域环境；可行：综合执法队伍已组建。",
        ["第一条 集中整治占道经营、乱停乱放和违规搭建。", "第二条 赶集日设置临时疏导点。"],
        skip={"expert_input": "不涉及专业技术问题", "risk_assessment": "已设疏导点，风险较低"},
        outside_catalogue=OUTSIDE_CATALOGUE))
    yield ago(8)
    d.submit()
    yield ago(6)
    d.return_to_drafter("缺少赶集日临时摊点安置说明，依据清单未列《城市市容和环境卫生管理条例》。")
    yield ago(2)
    d.submit(legal_basis=basis, plan="分三个月集中整治；赶集日在场镇东侧设置临时疏导点安置摊贩。")


def collective_assets(people, ago):
    """Submitted: waiting for the office to accept it."""
    yield ago(4)
    d = DecisionDriver(people, **proposal(
        "季家镇农村集体经营性资产管理办法", "财政所", "department",
        "部分村集体经营性资产底数不清、出租不规范、收益分配不透明。",
        ["《中华人民共和国农村集体经济组织法》", "《中华人民共和国村民委员会组织法》"],
        "建立资产台账，经营性资产出租一律公开交易，收益按章程分配。",
        "必要：防止集体资产流失；可行：清产核资已完成。",
        ["第一条 为加强农村集体经营性资产管理，制定本办法。",
         "第二条 集体经营性资产出租须经村集体经济组织成员（代表）大会讨论。"],
        skip={"expert_input": "不涉及专业技术问题", "risk_assessment": "不涉及社会稳定风险"}))
    yield ago(3)
    d.submit()


def town_roads(people, ago):
    """Just proposed: the drafter has not submitted it yet."""
    yield ago(1)
    DecisionDriver(people, **proposal(
        "季家镇集镇道路改造提升工程实施方案", "规划建设管理环保办公室", "deputies",
        "集镇主干道路面破损、排水不畅，人大代表多次提出建议。",
        ["《中华人民共和国公路法》", "《重庆市城市道路管理条例》"],
        "改造集镇道路2.3公里，同步建设雨污分流管网。",
        "必要：改善出行条件；可行：已申请区级以奖代补资金。",
        ["第一条 改造集镇主干道路2.3公里。", "第二条 施工期间分段封闭，保障群众通行。"],
        experts=True, risk=True))


#: Each scenario yields the day of its next step (see ``Story``); oldest first, so the newest
#: matters head the list.
SCENARIOS = (conflict_mediation, market_stalls, market_relocation, farmland, sewage,
             street_lights, livelihood_projects, public_jobs, geohazards, black_goats,
             flood_plan, village_environment, street_order, collective_assets, town_roads)

#: Why the street-order campaign is taken outside the year's catalogue.
OUTSIDE_CATALOGUE = ("赶集日占道经营问题在年中集中暴露，编制年度目录时未能预见；经镇长办公会研究，"
                     "按重大行政决策程序办理。")

#: The item each scenario's decision carries out: its title (the decision's), lead unit and basis;
#: the planned quarter is that of the proposal. ``street_order`` is outside the catalogue.
CATALOGUE_ITEMS = {
    conflict_mediation: ("季家镇矛盾纠纷多元化解工作办法", "综治中心",
                         "《中华人民共和国人民调解法》；涉及群众切身利益的社会管理措施"),
    market_stalls: ("季家镇农贸市场摊位租赁管理办法", "经济发展办公室",
                    "市场监管方面的重大公共措施，涉及商户切身利益"),
    market_relocation: ("季家镇集镇农贸市场整体搬迁方案", "经济发展办公室",
                        "重大公共建设项目；《中华人民共和国城乡规划法》"),
    farmland: ("季家镇高标准农田建设项目实施方案", "农业服务中心",
               "重大公共建设项目，已列入区级项目库"),
    sewage: ("季家镇农村生活污水治理设施运维管理办法", "规划建设管理环保办公室",
             "环境保护方面的重大公共措施；《中华人民共和国水污染防治法》"),
    street_lights: ("季家镇镇村公共照明设施建设及管护方案", "规划建设管理环保办公室",
                    "重大公共建设项目；镇人大代表建议"),
    livelihood_projects: ("季家镇2025年重点民生实事项目安排", "党政办",
                          "涉及社会公众切身利益的重大事项；《中华人民共和国预算法》"),
    public_jobs: ("季家镇村（社区）公益性岗位开发管理实施细则", "社会事务办公室",
                  "公共服务方面的重大公共政策；《中华人民共和国就业促进法》"),
    geohazards: ("季家镇地质灾害隐患点综合治理方案", "规划建设管理环保办公室",
                 "公共安全方面的重大措施；《地质灾害防治条例》"),
    black_goats: ("黑山羊养殖基地招商引资及配套设施用地方案", "经济发展办公室",
                  "开发利用重要自然资源的重大措施；《中华人民共和国土地管理法》"),
    flood_plan: ("季家镇防汛抗旱应急预案（2025年修订）", "应急管理办公室",
                 "公共安全方面的重大措施；《中华人民共和国防洪法》"),
    village_environment: ("季家镇农村人居环境整治三年行动方案", "农业服务中心",
                          "环境保护方面的重要规划；区级农村人居环境整治任务"),
    collective_assets: ("季家镇农村集体经营性资产管理办法", "财政所",
                        "涉及重大公共利益的事项；《中华人民共和国农村集体经济组织法》"),
    town_roads: ("季家镇集镇道路改造提升工程实施方案", "规划建设管理环保办公室",
                 "重大公共建设项目；镇人大代表建议"),
}
#: Added to the list during the year (its decision proposed after), with the reason.
ADDED_DURING_THE_YEAR = (village_environment,
                         "区里下达农村人居环境整治三年任务，经镇党委同意，年中增补列入目录。")
#: On the list, never brought to a decision (yet).
NEVER_BROUGHT = DemoItem("季家镇农村供水工程建后管护办法", "农业服务中心", 4,
                         "公共服务方面的重大公共措施；《农村供水工程管理办法》")
#: On the list, removed during the year with its reason.
REMOVED = (DemoItem("季家镇场镇停车场建设方案", "规划建设管理环保办公室", 3,
                    "重大公共建设项目"),
           "该项目并入区级集镇停车场统一规划建设，不再由镇作出决策。")


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def catalogue_scenes(people, story: Story):
    """Each year's catalogue the demo's decisions carry out, published five days before the
    year's first proposal; the year of the item added during it also lists an item never
    brought and one removed, midway between its publication and the year's (or the story's)
    end."""
    first = {scenario: next(scenario({}, story.ago)) for scenario in SCENARIOS}
    added_scenario, added_reason = ADDED_DURING_THE_YEAR
    added_on = first[added_scenario]
    years = sorted({day.year for day in first.values()})
    for year in years:
        published_on = min(d for d in first.values() if d.year == year) - datetime.timedelta(5)
        items = [DemoItem(*CATALOGUE_ITEMS[s][:2], quarter_of(day), CATALOGUE_ITEMS[s][2])
                 for s, day in sorted(first.items(), key=lambda pair: pair[1])
                 if day.year == year and s in CATALOGUE_ITEMS and s is not added_scenario]
        added, removed = (), ()
        if year == added_on.year:
            title, unit, basis = CATALOGUE_ITEMS[added_scenario]
            added = [(added_on - datetime.timedelta(2),
                      DemoItem(title, unit, quarter_of(added_on), basis), added_reason)]
            items += [NEVER_BROUGHT, REMOVED[0]]
            end = min(story.today, datetime.date(year, 12, 31))
            removed = [(published_on + datetime.timedelta((end - published_on).days // 2),
                        REMOVED[0].title, REMOVED[1])]
        yield catalogue_scene(people, year=year, published_on=published_on, items=items,
                              added=added, removed=removed)


class Command(BaseCommand):
    help = (f"Create the demo logins (password “{DEMO_PASSWORD}”) and fifteen decisions spread "
            "over every stage of the procedure. Does nothing if they already exist.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="The address printed for logging in.")

    def handle(self, *args, url, **options):
        if demo_data_present():
            self.stdout.write("Demo data already present: nothing added.")
        elif get_user_model()._default_manager.exists() or Decision.objects.exists():
            self.stdout.write(self.style.WARNING(
                "This database already has users or decisions: demo data is only loaded into an "
                "empty database. Nothing added."))
            return
        else:
            # The demo's addresses are made up: its notices stay in the app, no e-mail is sent.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                self._seed()
        self._print_logins(url)

    @transaction.atomic
    def _seed(self):
        people = demo_users_create()
        story = Story()
        story.play([*catalogue_scenes(people, story),
                    *(scenario(people, story.ago) for scenario in SCENARIOS)])
        by_stage = dict(Decision.objects.values_list("stage").annotate(n=Count("id")))
        self.stdout.write(self.style.SUCCESS(
            f"Created {len(DEMO_USERS)} logins and {len(SCENARIOS)} decisions:"))
        for stage in Stage:
            self.stdout.write(f"  {stage.value:<22} {by_stage.get(stage.value, 0)}")

    def _print_logins(self, url):
        self.stdout.write("")
        self.stdout.write(f"Open {url} and log in with password “{DEMO_PASSWORD}” as:")
        self.stdout.write(f"  {'username':<10} {'role':<14} {_pad('name', 11)}duty")
        for user in DEMO_USERS:
            role = user.role.value if user.role else "superuser"
            self.stdout.write(f"  {user.username:<10} {role:<14} {_pad(user.full_name, 11)}"
                              f"{user.duty}")


def _pad(text: str, columns: int) -> str:
    """Pad to a terminal width, counting a Chinese character as two columns."""
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(columns - width, 1)
