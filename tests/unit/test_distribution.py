"""Who gets a copy of a coordination request: the rules, the shipped file and its errors."""

from pathlib import Path

import pytest

from domain.coordination import (
    PROVINCE_PLACEHOLDER,
    DistributionRule,
    DistributionRuleError,
    RequestKind,
    load_distribution_rules_from_text,
    observers,
    unknown_distribution_codes,
)
from domain.organisation import ENFORCEMENT_ADMINISTRATION, MINISTRY_OF_JUSTICE, build_organisation, parse_provinces
from domain.types import AgencyKind
from gateway.policies import DISTRIBUTION_FILE, load_distribution_rules
from gateway.settings import SettingsError

DATA = Path(__file__).resolve().parents[2] / "data"
K = RequestKind


@pytest.fixture(scope="module")
def agencies():
    rows = parse_provinces(
        (DATA / "provinces.csv").read_text(encoding="utf-8"), (DATA / "area_courts.csv").read_text(encoding="utf-8")
    )
    return {a.code: a for a in build_organisation(rows)}


@pytest.fixture(scope="module")
def shipped():
    return load_distribution_rules_from_text((DATA / DISTRIBUTION_FILE).read_text(encoding="utf-8"))


# ---- observers ------------------------------------------------------------------------------

RULES = (
    DistributionRule("national", frozenset({K.PERIODIC_REPORT}), frozenset()),
    DistributionRule("committee.ha-noi", frozenset({K.ENFORCEMENT_SUPPORT, K.PERIODIC_REPORT}), frozenset({"ha-noi"})),
    DistributionRule("region.north", frozenset({K.PERIODIC_REPORT}), frozenset({"ha-noi", "son-la", "lao-cai"})),
    DistributionRule("ministry", frozenset({K.PROCURACY_PROTEST}), frozenset()),
)
NOBODY = frozenset({"enforcement.x", "court.x"})


@pytest.mark.parametrize(
    ("kind", "provinces", "expected"),
    [
        (K.PERIODIC_REPORT, {"ha-noi"}, {"national", "committee.ha-noi", "region.north"}),
        (K.PERIODIC_REPORT, {"son-la"}, {"national", "region.north"}),
        (K.PERIODIC_REPORT, {"can-tho"}, {"national"}),
        (K.PERIODIC_REPORT, set(), {"national"}),  # national agencies on both ends: only all-province rules
        (K.ENFORCEMENT_SUPPORT, {"ha-noi"}, {"committee.ha-noi"}),
        (K.ENFORCEMENT_SUPPORT, {"son-la"}, set()),
        (K.ENFORCEMENT_SUPPORT, {"son-la", "ha-noi"}, {"committee.ha-noi"}),  # either end in the province
        (K.PROCURACY_PROTEST, {"ca-mau"}, {"ministry"}),
        (K.EXPLANATION, {"ha-noi"}, set()),
    ],
)
def test_observers_by_kind_and_province(kind, provinces, expected):
    assert observers(RULES, kind, frozenset(provinces), NOBODY) == expected


def test_a_party_never_observes_its_own_request():
    parties = frozenset({"committee.ha-noi", "enforcement.ha-noi"})
    assert observers(RULES, K.PERIODIC_REPORT, frozenset({"ha-noi"}), parties) == {"national", "region.north"}
    assert observers(RULES, K.PERIODIC_REPORT, frozenset(), frozenset({"national"})) == frozenset()


def test_two_rules_for_one_observer_add_up():
    rules = (
        DistributionRule("watcher", frozenset({K.EXPLANATION}), frozenset({"hue"})),
        DistributionRule("watcher", frozenset({K.PROCURACY_REQUEST}), frozenset()),
    )
    assert observers(rules, K.EXPLANATION, frozenset({"hue"}), NOBODY) == {"watcher"}
    assert observers(rules, K.PROCURACY_REQUEST, frozenset({"hue"}), NOBODY) == {"watcher"}
    assert observers(rules, K.EXPLANATION, frozenset({"ha-noi"}), NOBODY) == frozenset()


def test_an_observer_pattern_stands_for_the_agency_of_each_province_of_the_request():
    rules = (
        DistributionRule("committee.{province}", frozenset({K.ENFORCEMENT_SUPPORT}), frozenset()),
        DistributionRule("watch.{province}", frozenset({K.ENFORCEMENT_SUPPORT}), frozenset({"hue"})),
    )
    assert observers(rules, K.ENFORCEMENT_SUPPORT, frozenset({"son-la"}), NOBODY) == {"committee.son-la"}
    assert observers(rules, K.ENFORCEMENT_SUPPORT, frozenset({"hue", "son-la"}), NOBODY) == {
        "committee.hue",
        "committee.son-la",
        "watch.hue",
    }
    assert observers(rules, K.ENFORCEMENT_SUPPORT, frozenset(), NOBODY) == frozenset()
    assert observers(rules, K.PERIODIC_REPORT, frozenset({"hue"}), NOBODY) == frozenset()
    assert observers(rules, K.ENFORCEMENT_SUPPORT, frozenset({"hue"}), frozenset({"committee.hue"})) == {"watch.hue"}


def test_an_observer_pattern_naming_no_agency_in_some_province_is_reported(agencies):
    rules = (DistributionRule("nobody.{province}", frozenset({K.ENFORCEMENT_SUPPORT}), frozenset({"hue"})),)
    assert unknown_distribution_codes(rules, agencies) == [
        "distribution rule #1 ('nobody.{province}'): observer 'nobody.hue' is not an agency in force"
    ]


# ---- the shipped file ---------------------------------------------------------------------------


def test_the_shipped_rules_parse_and_name_known_agencies_and_provinces(shipped, agencies):
    assert shipped
    assert unknown_distribution_codes(shipped, agencies) == []
    for rule in shipped:
        if PROVINCE_PLACEHOLDER in rule.observer:  # one agency per province: unknown_distribution_codes checked them
            continue
        agency = agencies[rule.observer]
        assert agency.valid_to is None
        assert rule.kinds
        assert rule.note
    provinces = {a.province_code for a in agencies.values() if a.province_code}
    assert set().union(*(rule.provinces for rule in shipped)) <= provinces


def test_the_shipped_rules_use_the_agencies_the_brief_names(shipped, agencies):
    assert agencies[ENFORCEMENT_ADMINISTRATION].name == "Cục Quản lý thi hành án dân sự"
    by_observer = {rule.observer for rule in shipped}
    assert {ENFORCEMENT_ADMINISTRATION, MINISTRY_OF_JUSTICE, "committee.ha-noi"} <= by_observer
    assert agencies["committee.ha-noi"].kind is AgencyKind.COMMITTEE


@pytest.mark.parametrize(
    ("kind", "parties", "provinces", "expected"),
    [
        # A Hà Nội area office reports to the provincial agency: the national administration and
        # Hà Nội's steering committee are copied.
        (K.PERIODIC_REPORT, {"enforcement.ha-noi.kv03", "enforcement.ha-noi"}, {"ha-noi"},
         {ENFORCEMENT_ADMINISTRATION, "committee.ha-noi"}),
        # The committee is itself the addressee of the report: no copy to itself.
        (K.PERIODIC_REPORT, {"enforcement.ha-noi", "committee.ha-noi"}, {"ha-noi"}, {ENFORCEMENT_ADMINISTRATION}),
        (K.ENFORCEMENT_SUPPORT, {"enforcement.ha-noi.kv03", "police.ha-noi"}, {"ha-noi"}, {"committee.ha-noi"}),
        # Every province's committee follows the forced enforcements in its province (issue 22).
        (K.ENFORCEMENT_SUPPORT, {"enforcement.son-la", "police.son-la"}, {"son-la"}, {"committee.son-la"}),
        (K.ENFORCEMENT_SUPPORT, {"enforcement.hai-phong.kv01", "police.hai-phong"}, {"hai-phong"},
         {"committee.hai-phong"}),
        # Son La is a northern province: the national administration stands in for a regional department.
        (K.PROCURACY_PROTEST, {"procuracy.son-la", "enforcement.son-la"}, {"son-la"},
         {MINISTRY_OF_JUSTICE, ENFORCEMENT_ADMINISTRATION}),
        (K.PROCURACY_PROTEST, {"procuracy.can-tho", "enforcement.can-tho"}, {"can-tho"}, {MINISTRY_OF_JUSTICE}),
        (K.PROCURACY_REQUEST, {"procuracy.ha-noi", "enforcement.ha-noi"}, {"ha-noi"}, set()),
    ],
)  # fmt: skip
def test_the_shipped_rules_in_use(shipped, agencies, kind, parties, provinces, expected):
    assert {agencies[p].province_code for p in parties} == provinces
    assert observers(shipped, kind, frozenset(provinces), frozenset(parties)) == expected


# ---- bad files -------------------------------------------------------------------------------

GOOD = """
[[rule]]
observer = "enforcement.national"
kinds = ["periodic_report"]
provinces = []
note = "Cục Quản lý THADS theo dõi báo cáo định kỳ"
"""
SECOND = GOOD.replace("enforcement.national", "committee.hue").replace("provinces = []", 'provinces = ["hue"]')


def test_a_good_file_gives_its_rules():
    [first, second] = load_distribution_rules_from_text(GOOD + SECOND)
    assert first == DistributionRule(
        "enforcement.national",
        frozenset({K.PERIODIC_REPORT}),
        frozenset(),
        "Cục Quản lý THADS theo dõi báo cáo định kỳ",
    )
    assert second.provinces == {"hue"}


def test_an_empty_file_has_no_rules():
    assert load_distribution_rules_from_text("# nothing yet\n") == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[rule]\nobserver = 1", "distribution rules: invalid TOML"),
        ("[rules]\n", r"unknown top-level key\(s\) \['rules'\]"),
        ("rule = 3\n", r"'rule' must be an array of tables"),
        (GOOD + SECOND.replace('"periodic_report"', '"periodic_reports"'),
         r"distribution rule #2 \('committee.hue'\): unknown request kind\(s\) \['periodic_reports'\] in 'kinds'"),
        (GOOD + SECOND.replace('observer = "committee.hue"\n', ""),
         r"distribution rule #2: missing field\(s\) \['observer'\]"),
        (SECOND.replace('"committee.hue"', '"  "'), r"distribution rule #1: 'observer' must be a non-empty string"),
        (SECOND.replace('"committee.hue"', "7"), r"distribution rule #1: 'observer' must be a non-empty string"),
        (GOOD.replace('note = "Cục Quản lý THADS theo dõi báo cáo định kỳ"\n', ""),
         r"distribution rule #1 \('enforcement.national'\): missing field\(s\) \['note'\]"),
        (GOOD.replace("provinces = []\n", ""), r"#1 \('enforcement.national'\): missing field\(s\) \['provinces'\]"),
        (GOOD.replace('kinds = ["periodic_report"]', 'kinds = "periodic_report"'),
         r"#1 \('enforcement.national'\): 'kinds' must be a list of non-empty strings"),
        (GOOD.replace('kinds = ["periodic_report"]', "kinds = []"),
         r"#1 \('enforcement.national'\): 'kinds' must name at least one request kind"),
        (GOOD.replace("provinces = []", 'provinces = "ha-noi"'),
         r"#1 \('enforcement.national'\): 'provinces' must be a list of non-empty strings"),
        (GOOD.replace("provinces = []", "provinces = [1]"), r"'provinces' must be a list of non-empty strings"),
        (GOOD.replace("provinces = []", "provinces = []\nprovince = 'x'"), r"unknown field\(s\) \['province'\]"),
        (GOOD.replace('note = "Cục Quản lý THADS theo dõi báo cáo định kỳ"', "note = ''"),
         r"'note' must be a non-empty string"),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_naming_the_rule_and_field(text, problem):
    with pytest.raises(DistributionRuleError, match=problem):
        load_distribution_rules_from_text(text)


def test_unknown_codes_are_named_with_their_rule(agencies):
    rules = load_distribution_rules_from_text(
        GOOD
        + GOOD.replace("enforcement.national", "committee.ha-nio")
        + SECOND.replace('["hue"]', '["hue", "ha-tay"]')
        + GOOD.replace("enforcement.national", "enforcement.old.general")
    )
    assert unknown_distribution_codes(rules, agencies) == [
        "distribution rule #2 ('committee.ha-nio'): observer 'committee.ha-nio' is not an agency of the organisation",
        "distribution rule #3 ('committee.hue'): unknown province 'ha-tay' in 'provinces'",
        "distribution rule #4 ('enforcement.old.general'): observer 'enforcement.old.general' was dissolved on 2025-06-30",
    ]


# ---- loading from the data directory ------------------------------------------------------------


def test_the_shipped_file_loads_from_the_data_directory(shipped, agencies):
    assert load_distribution_rules(DATA) == shipped
    assert load_distribution_rules(DATA, agencies) == shipped


def test_no_file_means_no_observers(tmp_path):
    assert load_distribution_rules(tmp_path) == ()


def test_a_bad_file_is_a_settings_error_naming_the_file_and_rule(tmp_path):
    (tmp_path / DISTRIBUTION_FILE).write_text(GOOD + SECOND.replace("committee.hue", ""), encoding="utf-8")
    with pytest.raises(SettingsError, match=r"distribution_rules\.toml is not valid: distribution rule #2: 'observer'"):
        load_distribution_rules(tmp_path)


def test_an_unknown_observer_is_a_settings_error_when_the_organisation_is_given(tmp_path, agencies):
    (tmp_path / DISTRIBUTION_FILE).write_text(GOOD.replace("enforcement.national", "regional.north"), encoding="utf-8")
    assert len(load_distribution_rules(tmp_path)) == 1
    with pytest.raises(SettingsError, match=r"distribution_rules\.toml is not valid: distribution rule #1 \('regional"):
        load_distribution_rules(tmp_path, agencies)
