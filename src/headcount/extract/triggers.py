"""Where a sentence says jobs are cut, and which numbers in it count jobs.

A trigger is a phrase that asserts a job cut ("laid off", "job cuts", "jobs will go",
"cut 200 jobs"). A job quantity is a number tied to jobs by the grammar around it; a number that
sizes a workforce ("its 19,000 employees"), money, a year or a rate is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from headcount.extract.datafiles import alternation
from headcount.extract.quantities import NUMBER, Quantity, find_quantities, parse_number

JOB_NOUN = (
    r"(?:jobs?|positions?|posts?(?!-)|roles?|employees?|workers?|staff(?:ers)?|people(?![’']s)|personnel|"
    r"workforce|work\s+force|headcount|redundanc(?:y|ies)|lay-?offs?|job\s+(?:cuts?|losses)|"
    r"civil\s+servants?|miners|journalists|reporters|engineers|managers|individuals|"
    r"employes|persons|hands|contractors|crew|pilots|nurses|teachers|officers|agents|"
    r"dockers|jobholders|members\s+of\s+staff|staff\s+members)"
)
_CUT_VERB = (
    r"(?:cut(?:s|ting)?|slash(?:es|ed|ing)?|ax(?:e|es|ed|ing)|shed(?:s|ding)?|eliminat(?:e|es|ed|ing)|"
    r"reduc(?:e|es|ed|ing)|trim(?:s|med|ming)?|sack(?:s|ed|ing)?|"
    r"idl(?:e|es|ed|ing)|furlough(?:s|ed|ing)?|los(?:e|es|t|ing)|"
    r"lay(?:s|ing)?\s+off|laid\s+off|layoff|let\s+go|terminat(?:e|es|ed|ing)|scrap(?:s|ped|ping)?|"
    r"pare[sd]?|retrench(?:es|ed|ing)?|shrink(?:s|ing)?|shrank|halve[sd]?|halving|slim(?:s|med|ming)?|"
    r"(?:make|made|making)\s+redundant|put(?:s|ting)?|throw(?:s|ing|n)?|threw|"
    r"discharg(?:e|es|ed|ing))"
)
# A word inside the object of a cutting verb; a preposition or a relative word would start
# another phrase ("reduce dilution caused by ... employee options", "lose touch with people")
_OBJECT_WORD = (
    rf"(?!{alternation('not_object_words')}\b)"
    # a word ending in a comma closes the phrase ("reduce loan rates, committee staff said")
    r"[\w.$'’%-]+(?:,\d{3})*"
)
# "people to go online", "go on strike", "go to the FBI": going somewhere, not going as jobs do
_GO_ELSEWHERE = rf"\s+{alternation('go_elsewhere')}\b"
_PASSIVE_CUT = (
    r"(?:cut|slashed|axed|shed|eliminated|reduced|trimmed|lost(?!\s+(?:their\s+|his\s+|her\s+)?(?:livelihoods?|homes?|lives|money|savings))|laid\s+off|sacked|fired|dismissed|"
    rf"idled|furloughed|scrapped|discharged|made\s+redundant|(?:go|gone|going)(?!{_GO_ELSEWHERE})|disappear|vanish|affected|impacted|"
    r"threatened(?!\s+(?:action|to|with|a|an|strike|legal|industrial))|at\s+risk|on\s+the\s+line|let\s+go|out\s+of\s+work|jobless|terminated|hit|"
    r"on\s+(?:indefinite\s+|temporary\s+)?layoff|displaced|under\s+threat|in\s+jeopardy)"
)

# Strong triggers assert a cut on their own.
STRONG_RE = re.compile(
    rf"""\b(?:
      lay(?:s|ing)?[\s-]?offs?|laid[\s-]off|lay-?offs?
    | {alternation("cut_staff_words")}[\s-](?:cuts?|losses|reductions?|cutbacks?|shedding|slashing)
    | job[\s-](?:cutting|shedding|losses)
    | redundanc(?:y|ies)
    | downsiz(?:e|es|ed|ing)
    | (?:lose|loses|lost|losing)\s+(?:their\s+|his\s+|her\s+)?jobs?
    | out\s+of\s+work|(?<!the\s)jobless
    # "fired 200 workers", not "a fire ... killed 25 people" or "dismiss concerns from visa staff"
    | (?:sack(?:s|ed|ing)?|fir(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?)\s+(?:(?:about|some|more|than|over|up|to|nearly|almost|around|its|their|the|all|of|another|further|a|half|third|quarter|most|many|hundreds|thousands|dozens|[\d,.]+|[\w-]+-time|hourly|salaried|senior|junior)\s+){{0,4}}?{alternation("dismissed_people")}
    | (?:{_CUT_VERB}|cost(?:s|ing)?)\s+(?:(?:its|their|the|some|about|around|nearly|almost|up\s+to|more\s+than|over|another|an?\s+(?:further|additional|extra)|further|additional|a|all|most|half|of|{_OBJECT_WORD})\s+){{0,7}}?{JOB_NOUN}\b
    # "affect 350 jobs", not "laws affecting 750,000 people"
    | (?:affect|impact)(?:s|ed|ing)?\s+(?:\S+\s+){{0,6}}?(?:jobs?|positions?|posts?|employees|workers|staff)\b
    | (?:affected|impacted)\s+(?:individuals|people|employees|workers|staff)\b
    | {JOB_NOUN}\s+(?:\S+\s+){{0,6}}?(?:{alternation("before_passive_cut")}\s+){{0,3}}{_PASSIVE_CUT}\b
    | (?:workforce|staff|headcount|payroll|employment)\s+(?:\S+\s+){{0,3}}?(?:by|to)\s+(?:about\s+|around\s+|some\s+)?\d
    | {alternation("job_loss_nouns")}\s+of\s+(?:\S+\s+){{0,5}}?{JOB_NOUN}\b
    | (?:reduction|cut|cuts|cutback|cutbacks)["”]?\s+in\s+(?:its\s+|their\s+|the\s+)?(?:[\w,-]+\s+)?{alternation("staff_measures")}
    | jobs?\s+(?:\S+\s+){{0,6}}?(?:in\s+doubt|in\s+question|at\s+stake)|in\s+question\s+the\s+(?:fate|future)\s+of\s+(?:\S+\s+){{0,5}}?{JOB_NOUN}
    | (?:future|fate)\s+of\s+(?:\S+\s+){{0,5}}?{JOB_NOUN}\s+(?:\S+\s+){{0,3}}?(?:in\s+doubt|in\s+question|at\s+stake|uncertain)
    | (?:on|into)\s+(?:collective|unpaid|forced|compulsory|temporary)\s+leave
    | (?:earmarked|slated|targeted|marked|singled\s+out)\s+(?:to\s+be\s+|for\s+){alternation("cut_fates")}
    | (?:transfer|mov|shift|relocat|outsourc|offshor)\w*\s+(?:\S+\s+){{0,5}}?{JOB_NOUN}\s+(?:\S+\s+){{0,3}}?(?:out\s+of|abroad|overseas|offshore)
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Figures that count jobs gained or employment levels, not jobs cut.
HIRING_RE = re.compile(
    r"\b(?:(?:hir(?:e|es|ed|ing)|recruit\w*)\s+(?:about\s+|some\s+|up\s+to\s+|more\s+than\s+|another\s+)?\d|"
    r"(?:will|to|plans?\s+to)\s+(?:hire|recruit)|creat(?:e|es|ed|ing)\s+(?:\S+\s+){0,3}jobs|new\s+jobs|"
    rf"in\s+employment|employment\s+{alternation('employment_moves')}|"
    # vacancies closed are not people laid off
    r"(?:open|unfilled|vacant)\s+(?:roles|positions|posts|jobs|vacancies)|vacancies)\b",
    re.IGNORECASE,
)
# Phrases that look like cuts but are about something else: hiring, pay, rates, unemployment.
NEGATIVE_RE = re.compile(
    r"\b(?:hir(?:e|es|ed|ing)|recruit\w*|creat(?:e|es|ed|ing)\s+(?:\S+\s+){0,3}jobs|new\s+jobs|"
    r"(?:unemployment|jobless)\s+(?:rate|claims|benefits?|figures?|total|level|queue)|"
    r"job\s+(?:creation|growth|openings|vacancies)|salar(?:y|ies)|wages?\s+cuts?|pay\s+cuts?|"
    rf"in\s+employment|(?:unemployment|out\s+of\s+work|jobless|unemployed)\s+(?:\S+\s+){{0,4}}{alternation('unemployment_moves')}|"
    r"number\s+of\s+(?:people\s+)?(?:unemployed|jobless|out\s+of\s+work)|"
    rf"employment\s+{alternation('employment_moves')})\b",
    re.IGNORECASE,
)

_MONEY_BEFORE = re.compile(
    r"(?:[$£€¥]|US\$|dlrs?\s*|usd\s*|eur\s*|gbp\s*|rs\.?\s*)\s*$", re.IGNORECASE
)
_AFTER_NOT_JOBS = re.compile(
    rf"^[\s-]*(?:of\s+(?:its|the|their)\s+)?(?:(?!{alternation('not_unit_words')}\b)[A-Za-z]+[\s-]+){{0,2}}(?:%|-?\s*(?:thirds?|quarters?|fifths?|halves|half)|pct|per\s?cent|percent|dlrs?|dollars?|pounds?|sterling|marks|yen|francs|guilders|"
    r"euros?|lire|pesos|rupees|crowns|kronor|shares?|tonnes?|tons?|barrels?|bags?|acres|"
    r"cars|vehicles|units|planes|aircraft|flights|days?|weeks?|months?|years?|hours?|minutes|"
    r"miles|km|kilometres|feet|points|stores|shops|branches|plants|factories|offices|outlets|"
    r"sites|pits|mines|mills|ships|bn|billion|mln|million\s+(?:dlrs|dollars|pounds|marks|yen|shares))(?![\w])",
    re.IGNORECASE,
)
_SIZE_BEFORE = re.compile(
    r"(?:\b(?:its|their|his|her|our)\s+(?:[\w.-]+\s+)?|"
    rf"\b{alternation('whole_staff_words')}\s+(?:\S+\s+){{0,2}}|"
    r"\b(?:workforce|staff|payroll|employment|work\s+force)\s+of\s+(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|more\s+than\s+)?|"
    r"\b(?:employs?|employing|employed|employ)\s+(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+)?|"
    r"[’']s\s+(?:\S+\s+){0,2}|\bfrom\s+(?:a\s+)?(?:current\s+)?|"
    r"\b(?:cover(?:s|ing)?|represent(?:s|ing)?)\s+(?:about\s+|nearly\s+|some\s+|more\s+than\s+|almost\s+)?|\bout\s+of\s+(?:a\s+)?(?:total\s+)?(?:of\s+)?|"
    r"\bto\s+(?:a\s+)?(?:total\s+of\s+)?|\bof\s+(?:the|its|their)\s+(?:\S+\s+)?)$",
    re.IGNORECASE,
)
_SIZE_AFTER = re.compile(
    r"^(?:-strong|\s+strong|-plus|\s+(?:\S+\s+){0,2}(?:workforce|work\s+force|payroll))",
    re.IGNORECASE,
)
# Up to three modifiers ("5,500 hourly workers"), or a longer comma list of them ("790
# salaried, production, maintenance and support services employees"), but no verb or figure.
_MODIFIER = rf"(?!{alternation('not_modifiers')}\b)[A-Za-z’'-]+"
_JOB_AFTER = re.compile(
    rf"^(?:\s+|-)(?:(?:{_MODIFIER}\s+){{0,3}}|(?:{_MODIFIER},?\s+(?:and\s+|or\s+)?){{0,7}}){JOB_NOUN}\b",
    re.IGNORECASE,
)
_TRIGGER_BEFORE = re.compile(
    rf"(?:\b(?:lay(?:s|ing)?\s+off|laid\s+off|layoffs?|lay-offs?|redundancies|cuts?|reductions?|"
    # the verbs kept out of _CUT_VERB for their other senses still lead a figure they govern
    rf"losses|loss|elimination|cutting|shedding|{_CUT_VERB}|affect(?:s|ed|ing)?|impact(?:s|ed|ing)?|"
    rf"fir(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?)\s+(?:of\s+)?(?:another\s+|an?\s+(?:further|additional)\s+|a\s+further\s+|by\s+)?|"
    rf"\b(?:workforce|work\s+force|staff|headcount|payroll|employment|jobs?)\s+(?:\S+\s+){{0,3}}?by\s+(?:a\s+further\s+|another\s+|an\s+additional\s+)?)$",
    re.IGNORECASE,
)
_BARE_PASSIVE_AFTER = re.compile(
    r"^\s+(?:(?:(?:more|others?|are|is|were|will|would|could|may|might|to|have|has|had|be|been|being|set|expected|likely)\s+){1,3}"
    rf"{alternation('bare_passive_cuts')}\b"
    # "another 2,250 on layoff", "400,000 Sri Lankans have lost their jobs"
    r"|(?:\w+\s+){0,2}?on\s+(?:indefinite\s+|temporary\s+)?lay-?off"
    r"|(?:[A-Z]\w+\s+){1,2}(?:have|had|who\s+have|who\s+had)\s+lost\s+their\s+jobs)",
    re.IGNORECASE,
)
_TOTAL_TO = re.compile(
    r"(?:\b(?:total|number)\b[^.;]{0,80}\b(?:to|at|be|is|was)\s+(?:a\s+\w+\s+)?"
    # "layoffs remain unchanged at 37,000", "layoffs could reach 2,000", "bring to 11,900"
    r"|\b(?:remains?|remained|stands?|stood|unchanged|(?:to|will|would|could|may)\s+total|totals|totall?ed|totall?ing|"
    r"reach(?:es|ed)?|exceed(?:s|ed)?|top(?:s|ped)?|amount(?:s|ed)?\s+to)"
    r"\s+(?:unchanged\s+)?(?:at\s+)?|\bbring(?:s|ing)?(?:\s+the\s+(?:total|number))?\s+to\s+)"
    r"(?:up\s+to\s+|about\s+|some\s+|around\s+|nearly\s+|more\s+than\s+)?$",
    re.IGNORECASE,
)
_JOBLESS_COUNT_BEFORE = re.compile(
    r"\b(?:jobless|unemployment|unemployed)\s+(?:total|figure|level|count|queue|rolls?)\b[^.;]{0,40}$"
    # "long-term unemployment ... affects about 830,000 people"
    r"|\b(?:jobless|unemployment)\b[^.;]{0,80}\b(?:affects?|affecting|afflicts?)\s+(?:about\s+|some\s+|nearly\s+|around\s+|over\s+)?$"
    # "initial jobless claims jumped to 367,000"
    r"|\b(?:jobless|unemployment)\s+(?:claims|benefits?|rate|insurance)\b[^.;]{0,40}$"
    # "the number out of work fell to 28,439", "the number of jobless rose to 650,700"
    r"|\bnumber\s+(?:of\s+)?(?:people\s+)?(?:out\s+of\s+work|jobless|unemployed)\b[^.;]{0,60}$",
    re.IGNORECASE,
)
# "the consultation required for companies planning more than 10 redundancies": a rule's
# threshold, not anyone's cut
_THRESHOLD_BEFORE = re.compile(
    r"\b(?:companies|firms|employers|businesses)\s+(?:planning|making|proposing|that\s+plan|which\s+plan)\s+$",
    re.IGNORECASE,
)
_HOW_MANY_OF = re.compile(r"\bhow\s+many\s+of\s+(?:the|its|their)\s+$", re.IGNORECASE)
_REMAINING_BEFORE = re.compile(
    r"\b(?:there\s+(?:are|were|will\s+be|remain)|leaving|left\s+with|retain(?:s|ing)?|keep(?:s|ing)?)\s+(?:now\s+|still\s+|only\s+|just\s+)?$",
    re.IGNORECASE,
)
# "leaving 6,650 garment workers jobless": those are the jobs lost
_JOBLESS_STATE_AFTER = re.compile(
    r"^(?:\s+[\w-]+){0,3}\s+(?:jobless|unemployed|out\s+of\s+work|without\s+(?:a\s+)?jobs?)\b",
    re.IGNORECASE,
)
_PROTESTERS_AFTER = re.compile(
    rf"^(?:\s+(?!were\b|are\b|went\b)[\w-]+){{0,3}}\s+{alternation('protesters_went')}\s+(?:on\s+strike|out\s+on\s+strike)"
    r"|^(?:\s+(?!were\b|are\b)[\w-]+){0,3}\s+walked\s+off\s+(?:their\s+|the\s+)?jobs?\b"
    rf"|^(?:\s+(?!were\b|are\b)[\w-]+){{0,3}}\s+{alternation('protest_acts')}\b",
    re.IGNORECASE,
)
_JOBLESS_AFTER = re.compile(r"^\s+(?:unemployed|jobless|out-of-work)\b", re.IGNORECASE)
# "Germany had 3.97 million people out of work": a count of the unemployed, not a cut
_HAD_OUT_OF_WORK = re.compile(r"\b(?:had|has|have|were|are|with)\s+$", re.IGNORECASE)
_OUT_OF_WORK_AFTER = re.compile(r"^\s+(?:people\s+)?out\s+of\s+work\b", re.IGNORECASE)
# "tax credits that will cut 850,000 people from the tax rolls": off a list, not out of work
_OFF_A_ROLL_AFTER = re.compile(
    r"^\s+(?:\w+\s+){0,2}from\s+(?:the\s+)?(?:tax|welfare|benefits?|voter|voting|electoral|unemployment)\s+(?:rolls|lists?|registers?)",
    re.IGNORECASE,
)
_SUBSET_AFTER = re.compile(
    r"^\s+(?:of\s+(?:those|them|which|these|whom)|of\s+the\s+total)\b", re.IGNORECASE
)
_RETURN_AFTER = re.compile(
    rf"^\s+(?:other\s+)?(?:\S+\s+){{0,6}}?(?:will\s+)?{alternation('return_verbs')}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class JobQuantity:
    quantity: Quantity
    anchor: int  # where the figure sits in the sentence


# A year-like number that counts: the job noun follows within two modifiers, and no
# determiner or preposition makes the number a time ("the 2023 layoffs", "since 2022").
_JOBS_SOON_AFTER = re.compile(rf"^\s+(?:[\w-]+\s+){{0,2}}?{JOB_NOUN}\b", re.IGNORECASE)
_YEAR_DETERMINER_BEFORE = re.compile(rf"\b{alternation('year_determiners')}\s*$", re.IGNORECASE)


def _is_year(q: Quantity, sentence: str) -> bool:
    raw = q.text.strip()
    return bool(re.fullmatch(r"(?:in\s+|by\s+|since\s+)?(?:19|20)\d\d", raw)) and "," not in raw


# "reduce its workforce to 73,000 from 79,000", "trimmed from 155,000 to 110,000 staff": the cut
# is the difference of two workforce sizes.
_REDUCE = r"(?:reduc\w*|cut\w*|trim\w*|shrink\w*|shrank|slash\w*|pare\w*|bring\w*|brought|lower\w*)"
_TO_FROM_RE = re.compile(
    rf"\b{_REDUCE}\b[^.;]{{0,60}}?\bto\s+(?P<x>{NUMBER})\b[^.;]{{0,50}}?\bfrom\s+(?:a\s+|the\s+)?(?:current\s+|present\s+)?(?P<y>{NUMBER})"
    rf"|\b{_REDUCE}\b[^.;]{{0,60}}?\bfrom\s+(?:a\s+|the\s+)?(?:current\s+|present\s+)?(?P<y2>{NUMBER})\s+(?:\w+\s+)?to\s+(?P<x2>{NUMBER})",
    re.IGNORECASE,
)


def _workforce_differences(sentence: str) -> list[tuple[JobQuantity, tuple[int, int]]]:
    found = []
    for m in _TO_FROM_RE.finditer(sentence):
        x_text, y_text = (
            (m.group("x"), m.group("y")) if m.group("x") else (m.group("x2"), m.group("y2"))
        )
        x, y = parse_number(x_text), parse_number(y_text)
        if x is None or y is None or not 0 < y - x < y:
            continue
        start = m.start("x") if m.group("x") else m.start("y2")
        end = m.end("y") if m.group("x") else m.end("x2")
        cut = int(round(y - x))
        found.append(
            (
                JobQuantity(Quantity(start, end, cut, cut, False, sentence[start:end]), start),
                (start, end),
            )
        )
    return found


def job_quantities(sentence: str) -> list[JobQuantity]:
    """Numbers in the sentence that count jobs cut, in order."""
    differences = _workforce_differences(sentence)
    found: list[JobQuantity] = [jq for jq, _ in differences]
    for q in find_quantities(sentence):
        if any(s <= q.start < e for _, (s, e) in differences):
            continue
        before = sentence[max(0, q.start - 60) : q.start]
        after = sentence[q.end : q.end + 90]
        if _is_year(q, sentence) and (
            not _JOBS_SOON_AFTER.match(after) or _YEAR_DETERMINER_BEFORE.search(before)
        ):
            continue  # "in 2023", "the 2022 tech layoffs"; but "cut 2000 white-collar jobs"
        if _MONEY_BEFORE.search(before) or _AFTER_NOT_JOBS.match(after):
            continue
        if re.match(r"^\s*(?:st|nd|rd|th)\b", after) or re.search(
            r"(?:No\.?|number|#)\s*$", before
        ):
            continue
        if re.search(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*$", before):
            continue  # a day of a month
        if (
            _SUBSET_AFTER.match(after)
            or _RETURN_AFTER.match(after)
            or _OFF_A_ROLL_AFTER.match(after)
        ):
            continue
        if (
            _JOBLESS_COUNT_BEFORE.search(sentence[max(0, q.start - 140) : q.start])
            or _JOBLESS_AFTER.match(after)
            or _THRESHOLD_BEFORE.search(before)
        ):
            continue
        if _HAD_OUT_OF_WORK.search(before) and _OUT_OF_WORK_AFTER.match(after):
            continue
        if (
            _REMAINING_BEFORE.search(before) and not _JOBLESS_STATE_AFTER.match(after)
        ) or _PROTESTERS_AFTER.match(after):
            # "there are 80 staff left", "thousands of civil servants were on strike": people
            # who stay or protest, not jobs cut
            continue  # "the jobless total reached 5 million", "1,000 unemployed miners": who is out of work
        if _HOW_MANY_OF.search(before) and q.maximum is not None:
            # "did not specify how many of the 2,200 workers would be laid off": at most all
            found.append(
                JobQuantity(Quantity(q.start, q.end, None, q.maximum, True, q.text), q.start)
            )
            continue
        job_after = bool(_JOB_AFTER.match(after))
        trig_before = bool(_TRIGGER_BEFORE.search(before))
        total_to = bool(_TOTAL_TO.search(sentence[max(0, q.start - 120) : q.start]))
        size = bool(_SIZE_BEFORE.search(before)) or bool(_SIZE_AFTER.match(after))
        if size and not trig_before and not total_to:
            # "20,000 of its 60,000 workforce": the workforce number is context, not a cut.
            continue
        if job_after or trig_before or total_to or _BARE_PASSIVE_AFTER.match(after):
            found.append(JobQuantity(q, q.start))
        elif found and _KIND_OF_STAFF_AND.fullmatch(sentence[found[-1].quantity.end : q.start]):
            found.append(JobQuantity(q, q.start))  # "75 full-time and four part-time employees"
    return _sum_staff_kinds(sorted(found, key=lambda jq: jq.anchor), sentence)


# "75 full-time and four part-time employees": one cut told in two kinds of staff
_KIND_OF_STAFF_AND = re.compile(
    r"\s+(?:full-time|part-time|hourly|salaried|permanent|temporary|union|non-union|white-collar|"
    r"blue-collar|production|office|management)\s+(?:\w+\s+)?and\s+",
    re.IGNORECASE,
)


def _sum_staff_kinds(found: list[JobQuantity], sentence: str) -> list[JobQuantity]:
    merged: list[JobQuantity] = []
    for jq in found:
        if merged and _KIND_OF_STAFF_AND.fullmatch(
            sentence[merged[-1].quantity.end : jq.quantity.start]
        ):
            a, b = merged[-1].quantity, jq.quantity
            lo = a.minimum + b.minimum if a.minimum is not None and b.minimum is not None else None
            hi = a.maximum + b.maximum if a.maximum is not None and b.maximum is not None else None
            total = Quantity(
                a.start, b.end, lo, hi, a.approx or b.approx, sentence[a.start : b.end]
            )
            merged[-1] = JobQuantity(total, merged[-1].anchor)
            continue
        merged.append(jq)
    return merged


def strong_triggers(sentence: str) -> list[re.Match[str]]:
    return list(_strong_triggers(sentence))


# The costliest pattern of all, and the learned extractor asks it about one sentence up to
# three times (its cue check, its features, the rule extractor it stacks).
@lru_cache(maxsize=1024)
def _strong_triggers(sentence: str) -> tuple[re.Match[str], ...]:
    return tuple(STRONG_RE.finditer(sentence))


# "no jobs would be lost", "without cutting jobs", "has not laid off a worker since 1945"
# "did not say how many jobs will be affected": a cut whose size is untold, not denied
_UNTOLD = rf"\s+(?:yet\s+)?{alternation('disclose_verbs')}\s+how\s+many"
NEGATION_RE = re.compile(
    rf"\b(?:no(?!\s+(?:change|sign|end|let-?up|relief|respite|more\s+than))|not(?!\s+rule\s+out)(?!{_UNTOLD})|never|without|nor|n't(?!{_UNTOLD})|"
    r"ruled\s+out|rules\s+out|den(?:y|ies|ied)|avoid(?:ed|ing)?|instead\s+of|rather\s+than|"
    # "has suspended its plan to cut": a plan withdrawn is no cut
    r"(?:suspend|shelv|abandon|scrapp|dropp|revers|withdr[ae]w|cancel)\w*\s+(?:\w+\s+){0,2}plans?)\b"
    r"(?:\s+\S+){0,6}\s*$",
    re.IGNORECASE,
)


def negated(sentence: str, trigger_start: int) -> bool:
    return bool(NEGATION_RE.search(sentence[max(0, trigger_start - 60) : trigger_start + 1]))


# Closing a site that employs N people puts up to N jobs at stake: "closing its Indianapolis
# plant, which currently employs 975 workers", "a plant employing eight people".
_CLOSURE_RE = re.compile(
    r"\b(?:clos(?:e|es|ed|ing|ure)|shut(?:s|ting)?(?:\s+down)?|phas(?:e|es|ed|ing)\s+out)\b",
    re.IGNORECASE,
)
# "a staff of about", "employing some": the word before a site's headcount
_ABOUT = r"(?:about\s+|some\s+|around\s+|nearly\s+)?$"
_EMPLOYS_RE = re.compile(
    rf"\b(?:employ(?:s|ing|ed)?|(?:has|with)\s+a\s+(?:work\s*force|staff)\s+of)\s+{_ABOUT}",
    re.IGNORECASE,
)


_GENERIC_SITES_BEFORE = re.compile(
    r"\b(?:in|at|by|from)\s+(?:large\s+|small\s+|big\s+)?"
    rf"{alternation('sites')}\s+employ\w*\s+{_ABOUT}",
    re.IGNORECASE,
)


# "upon closing of the transaction": a deal completes, nothing shuts
_DEAL_CLOSING = re.compile(
    rf"\s+(?:of\s+)?(?:the\s+)?{alternation('deals')}\b",
    re.IGNORECASE,
)


def closure_quantities(sentence: str) -> list[JobQuantity]:
    if not any(not _DEAL_CLOSING.match(sentence, m.end()) for m in _CLOSURE_RE.finditer(sentence)):
        return []
    found = []
    for q in find_quantities(sentence):
        before = sentence[max(0, q.start - 40) : q.start]
        after = sentence[q.end : q.end + 60]
        employed_after = re.match(
            rf"^\s+(?:\S+\s+){{0,3}}?{JOB_NOUN}\s+employed\b", after, re.IGNORECASE
        )
        if _GENERIC_SITES_BEFORE.search(before):
            continue  # "typically produced in plants employing thousands": a kind of site, not one closing
        if (_EMPLOYS_RE.search(before) and _JOB_AFTER.match(after)) or employed_after:
            value = q.maximum if q.maximum is not None else q.minimum
            if value:
                found.append(
                    JobQuantity(Quantity(q.start, q.end, None, value, True, q.text), q.start)
                )
    return found
