"""The skills catalogue comes in from ESCO, O*NET and Moodle files as users download them:
columns found by name, a malformed file rejected row by row with nothing stored, and a Moodle
framework exported by Lodestar and imported again gives the same framework."""

from __future__ import annotations

from sqlalchemy import select
from tests.services.imports.conftest import EXAMPLES, count

from lodestar.db.models import (
    Employee,
    HeadcountPlan,
    PlannedMove,
    Skill,
    SkillAssessment,
    SkillFramework,
)
from lodestar.services.skills.catalogue import get_skill
from lodestar.services.skills.moodle_export import export_moodle


def test_esco_sample_lands_released_concepts_by_uri(db, load, actors):
    report = load("esco", (EXAMPLES / "esco_skills.csv").read_bytes(), "esco_skills.csv")
    assert (report.added, report.rows) == (5, 6)
    assert "1 concept not marked released was skipped." in report.notes
    skill = get_skill(
        db,
        actors["employee"],
        "http://data.europa.eu/esco/skill/5ca1ab1e-0000-4000-8000-000000000001",
    )
    assert skill.name == "negotiate terms with customers"
    assert skill.category == "ESCO: skill/competence"
    again = load("esco", (EXAMPLES / "esco_skills.csv").read_bytes(), "esco_skills.csv")
    assert (again.added, again.updated) == (0, 0)


def test_esco_columns_are_found_by_name_in_any_order(db, load):
    data = b"description,preferredLabel,conceptUri\nSorting,sort parcels,http://data.europa.eu/esco/skill/x1\n"
    assert load("esco", data).added == 1


def test_onet_file_reads_its_header_and_keeps_each_element_once(db, load, actors):
    report = load("onet", (EXAMPLES / "onet_skills.txt").read_bytes(), "onet_skills.txt")
    assert report.added == 5 and report.rows == 20
    assert get_skill(db, actors["ld"], "onet:2.B.1.d").category == "O*NET: Cross-functional skills"
    # Another release's column order gives the same catalogue.
    lines = (EXAMPLES / "onet_skills.txt").read_text().splitlines()
    cells = [line.split("\t") for line in lines]
    shuffled = "\n".join("\t".join(reversed(c)) for c in cells) + "\n"
    again = load("onet", shuffled.encode(), "Skills.txt")
    assert (again.added, again.updated) == (0, 0)


def test_moodle_framework_keeps_hierarchy_scales_and_cross_references(db, load, actors):
    report = load("moodle", (EXAMPLES / "moodle_framework.csv").read_bytes(), "fw.csv")
    assert report.added == 5
    question = get_skill(db, actors["ld"], "BW-DISC-Q")
    assert question.parent_code == "BW-DISC" and question.framework == "BW-SALES"
    assert question.scale.levels == ("Not yet", "Competent", "Expert")
    assert question.scale.proficient == 2
    negotiation = get_skill(db, actors["ld"], "BW-NEG")
    assert negotiation.scale.levels == ("Basic", "Advanced")
    assert negotiation.related_codes == ("BW-DISC", "BW-PRICE,TERMS")


def test_moodle_round_trip_gives_the_same_file(db, load, actors):
    original = (EXAMPLES / "moodle_framework.csv").read_text()
    load("moodle", original.encode(), "fw.csv")
    exported = export_moodle(db, actors["ld"], "BW-SALES")
    assert exported == original
    again = load("moodle", exported.encode(), "fw.csv")
    assert (again.added, again.updated) == (0, 0)


def test_moodle_export_of_a_new_framework_imports_back_the_same(db, load, actors):
    data = (
        "Parent ID number,ID number,Short name,Description,Description format,Scale values,"
        "Scale configuration,Rule type (optional),Rule outcome (optional),Rule config (optional),"
        "Cross-referenced competency ID numbers,Exported ID (optional),Is framework,Taxonomy\n"
        ',F1,Frame,,1,"A,B",,,,,,,1,competency\n'
        ",C1,First,,1,,,,,,C2,,,\n"
        "C1,C2,Second,,1,,,,,,C1,,,\n"
    )
    load("moodle", data.encode(), "f.csv")
    exported = export_moodle(db, actors["ld"], "F1")
    first = {
        s.code: (s.name, s.parent_code, tuple(s.related_codes))
        for s in db.scalars(select(Skill).where(Skill.source == "moodle"))
    }
    again = load("moodle", exported.encode(), "f.csv")
    assert (again.added, again.updated) == (0, 0)
    assert export_moodle(db, actors["ld"], "F1") == exported
    assert first["C2"] == ("Second", "C1", ("C1",))


def test_malformed_moodle_file_gets_row_errors_and_changes_nothing(db, rejected):
    before = count(db, Skill), count(db, SkillFramework)
    data = (
        "Parent ID number,ID number,Short name,Is framework\n"
        ",F9,Frame,1\n"
        "NOPE,A1,Alpha,\n"
        ",A1,Again,\n"
        ",,Nameless,\n"
    )
    report = rejected("moodle", data.encode())
    reasons = {(p.line, p.column) for p in report.problems}
    assert {(3, "Parent ID number"), (4, "ID number"), (5, "ID number")} <= reasons
    assert (count(db, Skill), count(db, SkillFramework)) == before


def test_malformed_esco_and_onet_files_say_which_rows(db, rejected):
    esco = rejected("esco", b"conceptUri,preferredLabel\nnot-a-uri,x\nhttp://e/1,\n")
    assert [p.line for p in esco.problems] == [2, 3]
    onet = rejected(
        "onet", b"Element ID\tElement Name\tScale ID\n2.A.1.a\tReading\tXX\nbad\tX\tIM\n"
    )
    assert [(p.line, p.column) for p in onet.problems] == [(2, "Scale ID"), (3, "Element ID")]
    header = rejected("onet", b"Element\tName\n1\t2\n")
    assert "Element ID" in header.problems[0].reason


def test_headcount_moves_and_assessments_samples(db, load, rejected):
    before = count(db, HeadcountPlan)  # the demo has a plan of its own for some of these
    report = load("headcount", (EXAMPLES / "headcount_plan.csv").read_bytes())
    assert report.added + report.updated + report.unchanged == 4
    assert count(db, HeadcountPlan) == before + report.added
    stored = {
        (r.job_role_id, r.horizon_months): r.change for r in db.scalars(select(HeadcountPlan))
    }
    assert sorted(stored.values()).count(-5) >= 1 and 6 in stored.values()  # the file's values
    bad = rejected(
        "headcount", b"job_title,horizon_months,change\nAstronaut,12,1\nAccount Executive,18,1\n"
    )
    assert [p.line for p in bad.problems] == [2, 3]
    person = db.scalar(select(Employee.external_id))
    moves = f"employee_id,to_job_title,effective_on\n{person},Senior Account Executive,2027-03-01\n"
    assert load("planned_moves", moves.encode()).added == 1
    assert count(db, PlannedMove) == 1
    load("moodle", (EXAMPLES / "moodle_framework.csv").read_bytes(), "fw.csv")
    rows = (
        "employee_id,skill_code,level,source,assessed_on\n"
        f"{person},BW-NEG,2,self,2026-11-02\n{person},BW-NEG,1,manager,2026-11-09\n"
    )
    before = count(db, SkillAssessment)
    assert load("assessments", rows.encode()).added == 2
    assert count(db, SkillAssessment) == before + 2
    too_high = (
        f"employee_id,skill_code,level,source,assessed_on\n{person},BW-NEG,3,self,2026-11-02\n"
    )
    assert rejected("assessments", too_high.encode()).problems[0].column == "level"
