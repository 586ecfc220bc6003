"""The demo's safeguarding story in words: what staff saw and heard, and what the child said.

Written for the demo: no sentence comes from a real child's record.
"""

from __future__ import annotations

from typing import NamedTuple


class Scenario(NamedTuple):
    """One concern the demo tells from start to its current stage."""

    stage: str  # new, in_progress, referred, monitoring or closed
    days_ago: int
    categories: list[str]
    urgent: bool
    backdated_days: int  # how long after it happened the concern was written down
    where: str
    what: str
    words: str  # the child's own words
    did: str
    told: str


SCENARIOS: list[Scenario] = [
    Scenario(
        "new",
        0,
        ["physical-abuse"],
        True,
        0,
        "PE changing room",
        "While changing for PE I noticed a round purple mark on the back of the upper arm, about the size of a coin. It was not there last week.",
        "It's nothing, I just banged it on the door.",
        "Did not ask any more questions. Made sure the pupil joined the lesson as normal.",
        "Came straight to the DSL office; nobody else.",
    ),
    Scenario(
        "new",
        1,
        ["mental-health", "self-harm"],
        False,
        0,
        "Corridor outside the library",
        "Found the pupil sitting alone and tearful at break. Said they had not slept and felt everyone would be better off without them.",
        "I just don't want to be here any more.",
        "Stayed with the pupil until the bell and walked them to the pastoral office.",
        "Pastoral lead, who is keeping the pupil with her this afternoon.",
    ),
    Scenario(
        "in_progress",
        9,
        ["neglect"],
        False,
        0,
        "Classroom, morning registration",
        "Arrived in the same uniform for the fourth day running; shirt stained and shoes split. Ate two breakfasts at breakfast club and asked to take fruit home.",
        "There's no food till Mum gets paid.",
        "Gave breakfast and spare uniform from the school store.",
        "Class teacher and the DSL.",
    ),
    Scenario(
        "in_progress",
        23,
        ["online-safety", "child-on-child"],
        False,
        0,
        "Form room",
        "Two pupils showed me messages in a group chat calling this pupil names and sharing an edited photo of them.",
        "Everyone's seen it. I don't want to come in tomorrow.",
        "Did not look at the photo on the phone. Wrote down what the pupils said and kept them apart at lunch.",
        "Head of year by phone.",
    ),
    Scenario(
        "referred",
        48,
        ["domestic-abuse"],
        True,
        0,
        "Office, after school",
        "The pupil asked to wait at school until late. Said there was shouting at home last night and the police came.",
        "Dad threw the plates. I hid in my room with my sister.",
        "Sat with the pupil, offered a drink, and did not promise to keep a secret.",
        "DSL, who was still on site.",
    ),
    Scenario(
        "referred",
        75,
        ["attendance"],
        False,
        0,
        "Attendance office",
        "Attendance has fallen to 71% this term, with several Mondays missed. Calls home have gone unanswered for two weeks.",
        "",
        "Tried the second contact number and left a message.",
        "Attendance officer.",
    ),
    Scenario(
        "monitoring",
        120,
        ["emotional-abuse"],
        False,
        0,
        "Playground",
        "Heard an adult at the gate tell the pupil loudly that they were useless and would be left at home next time.",
        "She always says that when she's tired.",
        "Checked on the pupil in class afterwards; they seemed quiet but settled.",
        "The DSL.",
    ),
    Scenario(
        "closed",
        190,
        ["other"],
        False,
        21,
        "School trip coach",
        "Recording this late: on the trip three weeks ago the pupil said a neighbour had offered them money to carry a parcel. I had forgotten until the pupil mentioned it again.",
        "He said it was just a favour and I'd get twenty quid.",
        "Told the pupil I would have to pass this on and why.",
        "Trip leader at the time; the DSL today.",
    ),
    Scenario(
        "closed",
        300,
        ["mental-health"],
        False,
        0,
        "Music room",
        "The pupil was very anxious before the concert, shaking and unable to speak for several minutes.",
        "I feel sick when everyone looks at me.",
        "Took the pupil somewhere quiet to breathe and let them watch from the side.",
        "Music teacher and the SENDCo.",
    ),
]

FILLER_WHAT = [
    "Pupil seemed withdrawn all day and would not say why.",
    "Pupil mentioned being left alone overnight at the weekend.",
    "Noticed a scratch on the pupil's hand; they said it was the cat.",
    "Pupil said an older student had been asking for their phone number.",
    "Pupil arrived hungry and without a coat in cold weather.",
    "Pupil wrote something worrying in a story about home.",
]
FILLER_CATEGORIES = [
    "neglect",
    "mental-health",
    "online-safety",
    "child-on-child",
    "emotional-abuse",
    "attendance",
    "physical-abuse",
]
