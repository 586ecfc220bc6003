"""The demo trust's role profiles, in the SEND Hub export format (see staff.profiles.io).

Five are modelled on the real documents in shared/seeds (their shape: sections, columns, time
shares, person-specification keys) but written afresh in our own words; the rest are short
profiles for the leaders the organisation chart needs. Names, numbers and dates are invented.
"""

from __future__ import annotations

from typing import Any

EMPLOYER = "Northgate Learning Trust"


def _p(*points: str) -> str:
    """Join points into the one-point-per-line text a profile keeps."""
    return "\n".join(points)


def _crit(group: str, level: str, assessed: str, text: str) -> dict[str, str]:
    return {"group": group, "level": level, "assessed_by": assessed, "text": text}


Q, K, S, P = "QUALIFICATIONS", "KNOWLEDGE_EXPERIENCE", "SKILLS", "PERSONAL"

# --- Leaders: just enough for the organisation chart -------------------------------------

HEADTEACHER: dict[str, Any] = {
    "reference": "NLT-LDR-01",
    "title": "Headteacher",
    "employer": EMPLOYER,
    "department": "Leadership",
    "purpose": _p(
        "Lead the school so that every pupil, including those with SEND, learns and thrives.",
        "Hold final responsibility for safeguarding, staffing and the school's budget.",
    ),
    "accountabilities": [
        {
            "heading": "Leading the school",
            "standard_duties": _p(
                "Set the school's direction with governors and the trust.",
                "Make sure provision for pupils with SEND is planned, funded and reviewed.",
            ),
        },
    ],
}

ASSISTANT_HEAD: dict[str, Any] = {
    "reference": "NLT-LDR-02",
    "title": "Assistant headteacher (inclusion)",
    "employer": EMPLOYER,
    "department": "Leadership",
    "reports_to": {"reference": "NLT-LDR-01", "title": "Headteacher"},
    "purpose": _p(
        "Lead inclusion across the school: SEND, pastoral support and behaviour.",
        "Line-manage the SENDCo and the leads of the school's support teams.",
    ),
    "accountabilities": [
        {
            "heading": "Inclusion",
            "standard_duties": _p(
                "Check that support staff are deployed where pupils need them most.",
                "Report to senior leaders and governors on the impact of support.",
            ),
        },
    ],
}

SENDCO: dict[str, Any] = {
    "reference": "NLT-LDR-03",
    "title": "Special educational needs and disabilities coordinator (SENDCo)",
    "employer": EMPLOYER,
    "department": "Inclusion",
    "reports_to": {"reference": "NLT-LDR-02", "title": "Assistant headteacher (inclusion)"},
    "purpose": _p(
        "Coordinate provision for pupils with SEND, from identification to review.",
        "Direct and develop the learning support team.",
    ),
    "accountabilities": [
        {
            "heading": "SEND provision",
            "standard_duties": _p(
                "Keep the SEN register accurate and the graduated approach moving.",
                "Lead annual reviews of education, health and care plans.",
                "Plan the deployment of learning support staff.",
            ),
        },
    ],
}

CONNECT_MANAGER: dict[str, Any] = {
    "reference": "NLT-CON-01",
    "title": "Connect manager",
    "employer": EMPLOYER,
    "department": "Inclusion",
    "section": "Connect (internal alternative provision)",
    "reports_to": {"reference": "NLT-LDR-02", "title": "Assistant headteacher (inclusion)"},
    "purpose": _p(
        "Run Connect, the school's own provision for pupils with SEMH needs.",
        "Plan each pupil's route back into mainstream lessons.",
    ),
    "accountabilities": [
        {
            "heading": "Running Connect",
            "standard_duties": _p(
                "Lead the inclusion leaders and support assistants in both Connect rooms.",
                "Agree who joins Connect, for how long, and with what plan.",
            ),
        },
    ],
}

INCLUSION_LEADER: dict[str, Any] = {
    "reference": "NLT-CON-02",
    "title": "Inclusion leader (Connect)",
    "employer": EMPLOYER,
    "department": "Inclusion",
    "section": "Connect (internal alternative provision)",
    "reports_to": {"reference": "NLT-CON-01", "title": "Connect manager"},
    "purpose": _p("Lead one Connect room day to day: calm, consistent and ambitious."),
    "accountabilities": [
        {
            "heading": "The Connect room",
            "standard_duties": _p(
                "Plan the room's timetable and adapted curriculum.",
                "Guide the support assistants who work in the room.",
            ),
            "time_share": 70,
            "activity": "PUPIL_SUPPORT",
        },
        {
            "heading": "Reintegration",
            "standard_duties": _p(
                "Agree steps back into lessons with each pupil, their family and teachers."
            ),
            "time_share": 30,
            "activity": "LIAISON",
        },
    ],
}

LEAD_BEHAVIOUR: dict[str, Any] = {
    "reference": "NLT-BEH-01",
    "title": "Lead behaviour manager",
    "employer": EMPLOYER,
    "department": "Inclusion",
    "section": "Behaviour",
    "reports_to": {"reference": "NLT-LDR-02", "title": "Assistant headteacher (inclusion)"},
    "purpose": _p(
        "Lead the behaviour team and the school's behaviour protocols.",
        "Oversee isolated learning and the return of pupils to lessons.",
    ),
    "accountabilities": [
        {
            "heading": "Behaviour",
            "standard_duties": _p(
                "Analyse behaviour, attendance and sanction data and act on the patterns.",
                "Supervise the behaviour senior support assistants.",
            ),
        },
    ],
}

# --- 000: learning support assistant, the trust's standard and a primary's local duties -----

LSA_STANDARD_TITLE = "Learning support assistant, level 2 (generic)"

LSA_LEVEL_2: dict[str, Any] = {
    "reference": "NLT-RP-0207",
    "title": LSA_STANDARD_TITLE,
    "employer": EMPLOYER,
    "department": "Education and inclusion",
    "section": "Schools",
    "profile_date": "2019-09-23",
    "reports_to_as_written": "Home liaison manager, senior leaders, headteacher",
    "purpose": _p(
        "Give administrative help to the home liaison manager and the SENDCo.",
        "Help every pupil to take part and be included.",
        "Prepare and teach learning activities for single pupils or groups, as planned with "
        "teachers or the SENDCo and under a qualified teacher's professional direction.",
        "Plan and run specialist programmes that build pupils' emotional literacy, using "
        "training and supervision from educational psychologists.",
    ),
    "accountabilities": [
        {
            "heading": "Support for pupils and teachers",
            "activity": "PUPIL_SUPPORT",
            "standard_duties": _p(
                "Write and deliver individual programmes such as IEPs and ELSA plans, making "
                "room for pupils to reach their targets.",
                "Get to know each pupil's particular needs, working with their teacher.",
                "Use specialist skills to build pupils' independence and social skills.",
                "Run specialist programmes across the school for individuals and groups, "
                "matched to what the pupils need.",
                "Handle behaviour and special needs with the teacher, following the behaviour "
                "management policy.",
                "Build good working relationships with parents and outside agencies, with "
                "guidance from lead staff.",
                "Act as the link with visiting specialists such as speech and language "
                "therapists and educational psychologists.",
                "Observe how pupils respond to activities and give them feedback directly.",
                "Keep teachers and other assistants informed about pupils' needs and progress, "
                "in writing and in person.",
                "Track and record progress, including assessments that show who needs extra "
                "help, for example with emotional difficulties.",
                "Supervise small groups on activities the teacher has set, on or off site.",
                "Build warm relationships with pupils and raise their self-esteem.",
                "Encourage the acceptance and inclusion of pupils with special needs.",
                "Help pupils with physical, medical and welfare needs.",
                "Support the delivery of the curriculum when asked.",
                "Advise colleagues who support pupils with special needs: suggest strategies, "
                "observe, report back and arrange training or extra help.",
                "Supervise a large group or the whole class using the teacher's plans.",
                "Help new learning support assistants settle in.",
            ),
        },
        {
            "heading": "Administrative and support activities",
            "activity": "OTHER",
            "standard_duties": _p(
                "Do clerical jobs for the class teacher: preparing materials, displays, filing.",
                "Help to mark pupils' work.",
                "Run the day-to-day side of the SEN policy, coordinating provision and looking "
                "after specialist resources.",
                "Organise annual reviews for pupils with education, health and care plans.",
                "Draft ideas for new IEPs.",
                "Work with the class teacher and SENDCo on identifying needs.",
                "Arrange assessments for pupils who show clear signs of special needs.",
                "Help with routine testing, such as reading and spelling checks.",
                "Keep up with SEN resources and practice through courses and cluster meetings.",
                "Keep pupils' SEN files up to date.",
                "Book appointments with outside agencies and pass their reports on.",
                "Keep an inventory of SEN resources and train staff to use them well.",
                "Prepare funding bids with the SENDCo.",
                "Keep the governor for SEN informed.",
                "Review the SEN policy each year with the head, SENDCo and SEN governor.",
            ),
        },
        {
            "heading": "Corporate and statutory responsibilities: equality, health and safety, "
            "sustainability",
            "activity": "OTHER",
            "standard_duties": _p(
                "Know the school's and the law's requirements and apply them at work.",
                "Follow every health and safety rule and safe way of working.",
            ),
        },
    ],
    "key_decisions": _p(
        "Deliver individual programmes, manage pupils' behaviour and judge pupils' progress "
        "and needs without checking with the teacher.",
        "Work unsupervised, away from the teacher, within the teacher's or SENDCo's general "
        "direction.",
        "Carry specialist responsibility and train other staff in that specialism.",
    ),
    "dimensions": _p(
        "The scope of the role grows with experience.",
        "With a specialist qualification, guide teachers and support staff in that area, "
        "supervised where needed by a service such as educational psychology.",
        "May induct, supervise and mentor new staff, and brief teachers on pupils' development.",
        "Writes detailed reports, especially about complex needs.",
        "May supervise the whole class for short spells when the teacher is absent.",
    ),
    "contacts": [
        {
            "kind": "INTERNAL",
            "who": "Pupils, teachers and other colleagues, the headteacher, the SEN governor "
            "and other governors",
        },
        {
            "kind": "EXTERNAL",
            "who": "Educational psychologists, education welfare officers, parents, GPs, "
            "hospital staff, occupational therapists and physiotherapists, other local "
            "authority specialists, contractors, groups on visits, students, escorts, police",
            "purpose": "Usually directed by the teacher, SENDCo or home liaison manager",
        },
    ],
    "working_conditions": _p(
        "Classrooms and other school spaces, sometimes short of room or equipment; shares with "
        "the teacher the job of keeping things calm.",
        "Trips and educational visits away from school.",
        "May be trained for intimate personal or medical care of pupils with special needs.",
        "Lifting and moving.",
        "Trained in safe physical intervention for pupils in crisis.",
        "Keeps high standards of behaviour with pupils who can be very challenging, and deals "
        "with abusive or racist language and bullying.",
        "Responsible for the health and safety of self, pupils and the work area.",
    ),
    "requirements": _p(
        "A firm, sensitive and effective approach to behaviour.",
        "Well organised.",
        "Plans and delivers activities with the teacher or SENDCo at an advanced level, "
        "especially those in IEPs.",
        "Delivers IEPs and individual behaviour plans.",
        "Monitors, evaluates and records pupils' progress.",
        "Works with individuals and groups without direct supervision.",
        "Puts training into practice in the classroom.",
        "Flexible about tasks and the pupils allocated.",
        "Motivates and encourages pupils.",
        "Uses initiative and works independently.",
        "Builds good relationships with colleagues, parents and visiting specialists.",
        "Leads on a specialism and shares the techniques with other staff.",
        "Contributes to, and sometimes leads, staff training days.",
        "Takes the whole class during the teacher's short absences.",
        "Trains and mentors other learning support assistants.",
        "Holds relevant specialist training, for example Makaton or autism support.",
    ),
    "context": _p(
        "The postholder's expertise shapes how much support the teacher and SENDCo can expect.",
        "Highly confidential: pupils and teachers must be able to trust the postholder with "
        "sensitive family and child protection information.",
        "How the role works depends on the size, type and site of the school.",
        "Complex and demanding needs can make parts of the role stressful.",
    ),
}

# The local duties a primary school writes beside the trust's standard (same order of sections).
LSA_LEVEL_2_LOCAL: dict[str, Any] = {
    "local_duties_reviewed": "2025-02-01",
    "accountabilities": [
        _p(
            "Plan and deliver individual programmes that give pupils the chance to meet targets.",
            "Learn each pupil's needs with their class teacher.",
            "Use specialist skills to help pupils become independent and sociable.",
            "Deliver specialist programmes across the school, in groups or one to one.",
            "Support behaviour and special needs with the teacher, following our behaviour policy.",
            "Work with parents and outside agencies under the guidance of the SENDCo or the "
            "home liaison manager.",
            "Observe pupils' responses and give them feedback.",
            "Tell teachers and colleagues how supported pupils are getting on, in writing and "
            "in person.",
            "Record progress and spot pupils who need extra help, including emotional help.",
            "Supervise small groups on and off site.",
            "Build pupils' self-esteem through good relationships.",
            "Help every child to be included and accepted.",
            "Help pupils with physical, medical and welfare needs.",
            "Support the curriculum when asked.",
            "Support colleagues who work with pupils with special needs, reporting to the "
            "teacher or SENDCo.",
            "Supervise a large group or the class from the teacher's plans.",
            "Help new learning support assistants settle in.",
        ),
        _p(
            "Run the day-to-day side of the school's wellbeing support, coordinating sessions "
            "and looking after resources.",
            "Draft ideas for new personal plans.",
            "Work with the class teacher, home liaison manager and SENDCo on identifying needs.",
            "Help with assessments when asked.",
            "Keep up with SEND and wellbeing practice through courses and cluster meetings.",
            "Keep the records of pupils' wellbeing sessions up to date.",
            "Keep governors informed when asked.",
        ),
        _p(
            "Know the school's and the law's requirements and apply them at work.",
            "Follow every health and safety rule and safe way of working.",
        ),
    ],
    "key_decisions_local": _p(
        "Deliver individual programmes, support pupils' behaviour and judge their progress and "
        "needs without checking with the teacher.",
        "Work unsupervised within the general direction of the teacher, SENDCo or home liaison "
        "manager.",
        "Carry specialist responsibility and train other staff in that specialism.",
    ),
    "working_conditions_local": _p(
        "Classrooms and other school spaces, sometimes cramped; shares with the teacher the job "
        "of keeping things calm.",
        "Trips and educational visits.",
        "May be trained for intimate personal or medical care.",
        "Lifting and moving.",
        "Keeps high standards of behaviour with pupils who can be very challenging, and deals "
        "with abusive language and bullying.",
        "Responsible for the health and safety of self, pupils and the work area.",
    ),
    "requirements_local": _p(
        "A firm, sensitive approach to behaviour in line with our behaviour policy.",
        "Well organised.",
        "Plans and delivers activities with the teacher or SENDCo, especially those in IEPs.",
        "Monitors, evaluates and records progress.",
        "Works with individuals and groups without direct supervision.",
        "Builds good relationships with colleagues, parents and visiting specialists.",
        "Works as part of the SENDCo and home liaison team as well as the class team.",
        "Takes the whole class during the teacher's short absences.",
        "Trains and mentors other learning support assistants.",
        "Understands children's behaviour and lets that understanding shape the support given.",
        "Supports learning and behaviour both before and after problems arise.",
    ),
    "context_local": _p(
        "The postholder's expertise shapes how much support the teacher, SENDCo and home "
        "liaison manager can expect.",
        "Highly confidential: pupils and teachers must be able to trust the postholder with "
        "sensitive family and child protection information.",
        "Complex and demanding needs can make parts of the role stressful.",
    ),
    "values": [
        {
            "name": "Dedication",
            "meaning": "Give pupils the best teaching and support we can, helping them past "
            "whatever stands in the way of success.",
        },
        {
            "name": "Empathy",
            "meaning": "Understand pupils, especially those with additional needs, and adjust "
            "for them. Hear every side of a behaviour incident without judging; never shout; "
            "treat every child with respect and dignity.",
        },
        {
            "name": "Forgiveness",
            "meaning": "Resolve behaviour incidents fairly and let every conversation start "
            "afresh, staying respectful even when respect is not returned.",
        },
        {
            "name": "Generosity",
            "meaning": "Be understanding and flexible in the support given to pupils.",
        },
    ],
    "safeguarding_statement": "Keeping children safe is everybody's job.",
    "safeguarding_duties": [
        {
            "name": "Observance",
            "duty": "Stay professionally curious: ask questions and never assume it could not "
            "happen here.",
        },
        {
            "name": "Listening",
            "duty": "Let the child speak, using open prompts (tell me, explain, describe) to "
            "understand more.",
        },
        {
            "name": "Reporting",
            "duty": "Tell a member of the safeguarding team about urgent worries straight away, "
            "in person.",
        },
        {
            "name": "Responding",
            "duty": "Act to keep the child safe and ask the safeguarding team if unsure. Your "
            "duty is to the child first, however well you know the adult involved.",
        },
        {
            "name": "Recording",
            "duty": "Record the concern in the safeguarding log straight away and in full: what "
            "happened, the child's own words, and what you did and said, including to parents.",
        },
    ],
}

# --- 001: faculty learning support in a secondary school ----------------------------------

FACULTY_SUPPORT: dict[str, Any] = {
    "reference": "HC-FLS-01",
    "title": "Faculty learning support (SEND)",
    "employer": EMPLOYER,
    "department": "SEND faculty",
    "grade": "B",
    "specialism": "A specialist area from the four areas of need (communication and "
    "interaction; cognition and learning; social, emotional and mental health; sensory and "
    "physical), agreed on appointment and changed as the cohort's needs change",
    "reports_to": {"reference": "NLT-LDR-03", "title": SENDCO["title"]},
    "reports_to_as_written": "SEND progress support officer, SENDCo",
    "purpose": _p(
        "Help students with SEND in the faculty's classrooms to access learning and make the "
        "progress expected of them.",
        "Complement the teacher's work in supporting tasks and learning activities.",
        "Share good practice and resources for students with SEND in the faculty.",
        "Work with the faculty's teachers on the curriculum, including pre-teaching, support in "
        "lessons and extra interventions.",
        "Prepare students with SEND for formal assessments and support them during them.",
        "Manage behaviour actively with the teacher.",
        "Carry a specialism and coach colleagues to build their skills and knowledge.",
        "Mentor students in the specialist area on engagement, attendance and progress.",
        "Keep in regular touch with the students in their specialist care.",
        "Work with outside agencies to strengthen the specialism and build CPD.",
        "Spread key CPD and strategies to teaching staff.",
        "Own specific SEND strategies, monitoring and reviewing their impact with the "
        "progress support officer.",
    ),
    "accountabilities": [
        {
            "heading": "Support for students",
            "standard_duties": _p(
                "Work with students in lessons, at break, outside lesson time and in "
                "interventions, managing behaviour."
            ),
            "time_share": 80,
            "lessons_per_week": 25,
            "time_note": "The source gives 85%, but its three shares add up to 105%",
            "activity": "PUPIL_SUPPORT",
        },
        {
            "heading": "Support and liaison with and for teachers and students",
            "standard_duties": _p(
                "Plan, prepare resources and liaise with students, staff and parents.",
                "Share good practice in the specialism and keep a CPD and resource bank for all "
                "staff.",
                "Develop resources and strategies independently of the teacher.",
                "Work with outside agencies as directed by the SENDCo and progress support "
                "officer.",
                "Review provision and progress with students and their families.",
            ),
            "time_share": 15,
            "lessons_per_week": 4,
            "time_note": "plus time before and after school",
            "activity": "LIAISON",
        },
        {
            "heading": "Support for the curriculum",
            "standard_duties": _p("Review progress, make resources and help with assessment."),
            "time_share": 5,
            "lessons_per_week": 1,
            "time_note": "plus time before and after school",
            "activity": "CURRICULUM",
        },
        {
            "heading": "Liaison with parents and specialist agencies",
            "reference": "TS 1.8",
            "activity": "LIAISON",
            "standard_duties": _p(
                "Train all staff in the area of the postholder's specialist qualification.",
                "Pass on good ideas and resources regularly.",
                "Take the lead with outside agencies on putting their advice into practice.",
                "Talk to parents about their child's needs, progress and extra support, with the "
                "SENDCo and progress support officer.",
                "Report to parents on progress after interventions and IEP reviews.",
                "Meet faculty teachers and middle leaders daily or weekly to link support to "
                "what is being taught.",
            ),
        },
        {
            "heading": "Student progress, development and inclusion",
            "reference": "TS 1.3 to 1.8",
            "activity": "PUPIL_SUPPORT",
            "standard_duties": _p(
                "Take the whole class under the teacher's direction when needed.",
                "Assess needs with the SENDCo and pick the right intervention.",
                "Plan and deliver specialist learning activities, choosing the resources.",
                "Work alongside the teacher to make tasks accessible, agreeing goals and "
                "strategies for identified students.",
                "Support access arrangements in tests and exams.",
                "Run learning activities outside school hours that consolidate class work.",
                "Supervise individuals and small groups on tasks the teacher has set.",
                "Treat students consistently, with respect and consideration.",
                "Promote independent learning and social skills through group work.",
                "Help students record their work and organise their study.",
                "Model good practice to keep students on task and motivated.",
                "Raise students' confidence and look after their wellbeing.",
                "Apply the behaviour policy as the teacher guides.",
                "Join planning meetings with teachers in working hours.",
                "Prepare students before a task so they can access the content.",
                "Develop students' language, reading and number skills whenever possible.",
                "Keep records of identified students' progress.",
                "Help students use computers confidently and independently.",
                "Write case studies with the SENDCo for students with high needs.",
                "After training, meet particular physical, speech or medical needs set out in "
                "an agreed care plan.",
                "Supervise students for set periods, including breaks, and escort visits.",
                "Promote the inclusion of students with SEND in every lesson.",
            ),
        },
        {
            "heading": "Interventions",
            "activity": "PUPIL_SUPPORT",
            "standard_duties": _p(
                "Write and coordinate IEPs under the SENDCo's supervision.",
                "Coordinate and deliver interventions for identified students.",
                "Report accurately on the attainment of students with SEND.",
                "Analyse the impact of interventions and suggest improvements.",
                "Keep developing own skills for delivering interventions.",
            ),
        },
        {
            "heading": "Data",
            "activity": "OTHER",
            "standard_duties": _p(
                "Know the SEND data about students' progress and what could be done next.",
                "Read transition information and know incoming students' needs.",
                "Provide regular data and assessments from interventions.",
            ),
        },
        {
            "heading": "Specialism",
            "activity": "LIAISON",
            "standard_duties": _p(
                "Lead, advise and support others in the specialist area.",
                "Meet students in specialist care regularly.",
                "Respond to their needs by planning and by talking to staff and families.",
                "Raise resource needs with the SENDCo and follow the school's buying process.",
            ),
        },
        {
            "heading": "Professional",
            "activity": "OTHER",
            "standard_duties": _p(
                "Model professional practice.",
                "Attend school meetings as required.",
                "Keep confidences.",
                "Share the school's commitment to safeguarding and young people's welfare.",
                "Take part in performance reviews and own your development.",
                "Carry out other tasks the headteacher asks that fit the grade.",
            ),
        },
    ],
    "working_conditions": _p(
        "Works with individuals and groups with complex and demanding needs.",
        "Hours follow students' needs and include some work outside the school day.",
    ),
    "context": _p(
        "The SEND progress support officer leads the team, with higher-level teaching "
        "assistants for literacy and numeracy.",
        "Seven or eight faculty learning support staff each align with one or more faculties.",
    ),
    "criteria": [
        _crit(K, "", "", "Experience of supporting children's learning."),
        _crit(S, "", "", "Works independently and uses initiative."),
        _crit(S, "", "", "Plans and delivers activities with staff at an advanced level."),
        _crit(S, "", "", "Confident working with staff across the school on practice."),
        _crit(P, "", "", "Passionate about young people and students with SEND."),
        _crit(K, "", "", "Knows the SEND code of practice (training provided)."),
        _crit(Q, "", "", "A good standard of literacy and numeracy."),
        _crit(P, "", "", "Approachable and professional with staff and vulnerable students."),
        _crit(K, "", "", "Keeps up with education research (training provided)."),
        _crit(S, "", "", "Excellent organisation and time management."),
        _crit(S, "", "", "Presents well to different audiences."),
        _crit(S, "", "", "Strong with Office 365, including data and monitoring."),
        _crit(S, "", "", "Meets tight deadlines."),
        _crit(K, "", "", "Has led successfully at some level."),
        _crit(S, "", "", "Listens well."),
        _crit(S, "", "", "Works in a team and motivates others."),
        _crit(P, "", "", "Highly motivated and proactive."),
        _crit(K, "", "", "Some experience of assess, plan, do, review (training provided)."),
        _crit(S, "", "", "Collaborates with and coaches others."),
        _crit(S, "", "", "Solves problems and works well under pressure."),
        _crit(S, "", "", "Clear communication, written and spoken."),
    ],
}

# --- 002: ELSA and learning mentor ---------------------------------------------------------

ELSA_MENTOR: dict[str, Any] = {
    "reference": "NLT-ELSA-01",
    "title": "ELSA and learning mentor",
    "employer": EMPLOYER,
    "department": "Inclusion",
    "reports_to": {"reference": "NLT-LDR-03", "title": SENDCO["title"]},
    "reports_to_as_written": "Headteacher and SENDCo",
    "purpose": _p(
        "Decide with the SENDCo which pupils with EHCPs, on SEN support or with SEMH needs have "
        "ELSA sessions, and run them.",
        "Plan and deliver individual emotional literacy programmes: recognising feelings in "
        "ourselves and others; a wider vocabulary for emotions; handling stress, grief, anxiety, "
        "anger and conflict; making friends and getting on with others; a realistic, positive "
        "view of self; coping with big changes such as loss and bereavement.",
        "Write short session plans and add an evaluation after each session.",
        "Keep named staff up to date with the needs and progress of pupils supported.",
        "Pass on what training and supervision teach to other staff.",
        "Meet the line manager regularly to review ELSA work.",
        "Meet other ELSA-trained staff regularly.",
        "Talk to parents when needed.",
    ),
    "dimensions": _p(
        "Responsible for mainstream pupils with an EHCP or on SEN support, and for pupils who "
        "need support with social, emotional and mental health."
    ),
    "accountabilities": [
        {
            "heading": "Support for pupils with SEND and SEMH needs",
            "activity": "PUPIL_SUPPORT",
            "standard_duties": _p(
                "Assess pupils' needs and use specialist knowledge to support their learning.",
                "Be a role model with high expectations; check in daily with vulnerable pupils.",
                "Work one to one or in groups with pupils the head or SENDCo identifies as "
                "struggling emotionally, at school or at home.",
                "Set up and keep a room in school for ELSA and intervention work.",
                "Build caring, secure relationships with pupils.",
                "Plan and run programmes for emotional literacy and wellbeing.",
                "Deliver and review programmes set by the educational psychologist or head of "
                "inclusion.",
                "Make resources for social skills, friendship, bereavement and anger groups.",
                "Record progress and feed back to the staff concerned.",
                "Help prepare and review behaviour support plans for identified pupils.",
                "Keep the ELSA accreditation by attending regular supervision with an "
                "educational psychologist.",
                "Encourage pupils to join in structured and unstructured activities, including "
                "play at break.",
                "Give pupils feedback on progress, behaviour and attendance.",
                "Write an impact report at the end of each block of sessions.",
                "Attend staff meetings and twilight sessions, and lead training when asked.",
                "Adjust sessions to how pupils respond.",
                "Advise staff on consistent strategies for pupils with SEND and SEMH needs.",
                "Find activities, courses and organisations that enrich sessions.",
                "Share what you learn with pastoral and senior leaders.",
                "Help at breakfast club, lunchtime and after-school sessions when needed.",
            ),
        },
        {
            "heading": "Support for the school",
            "activity": "LIAISON",
            "standard_duties": _p(
                "Follow and help develop the policies on child protection, health and safety, "
                "confidentiality and data protection, and report every concern.",
                "Value difference and make sure every pupil has an equal chance to learn.",
                "Work with other agencies and professionals, with the teachers.",
                "Attend regular meetings and training.",
                "Use your own strengths to advise and support others.",
                "Mentor learning support assistants who are in formal training.",
            ),
        },
        {
            "heading": "Personal responsibilities",
            "activity": "OTHER",
            "standard_duties": _p(
                "Follow the school's procedures for signing in and out and for attendance.",
                "Take a full part in school life and its ethos.",
                "Own your professional development.",
                "Follow the health and safety policy, including risk assessments.",
                "Be courteous and welcoming to colleagues and visitors.",
                "Arrive on time for work, lessons, duties and meetings.",
                "Follow the safeguarding policy.",
                "Use training days well.",
            ),
        },
    ],
    "context": _p(
        "This description sets out duties, not how much time each takes.",
        "It is not a complete list; it is reviewed at least every year and may change after "
        "talking with the postholder.",
        "The headteacher may reasonably vary the duties as the school's needs change.",
    ),
    "criteria": [
        _crit(K, "", "", "Has worked with children of the right age."),
        _crit(K, "", "", "Has worked with pupils with SEND or SEMH needs."),
        _crit(Q, "D", "", "ELSA accreditation."),
        _crit(
            Q,
            "",
            "",
            "Good literacy and numeracy: at least GCSE grade C (4) in English "
            "and maths, or equivalent.",
        ),
        _crit(Q, "", "", "Educated to NVQ level 3 or equivalent."),
        _crit(Q, "", "", "Training in learning strategies such as literacy."),
        _crit(Q, "", "", "Training in SEND."),
        _crit(S, "", "", "Direct knowledge and experience of SEND and SEMH."),
        _crit(S, "", "", "Uses ICT well to support learning."),
        _crit(K, "", "", "Understands the relevant policies, codes of practice and law."),
        _crit(K, "", "", "Knows the national curriculum and common learning programmes."),
        _crit(S, "", "", "Reflects on own learning needs and seeks out training."),
        _crit(S, "", "", "Relates well to children and adults."),
        _crit(S, "", "", "Works as part of a team and knows their place in it."),
        _crit(K, "", "", "Understands child development and barriers to learning."),
        _crit(S, "", "", "Plans well for pupils at risk of falling behind."),
        _crit(K, "", "", "Knows the range of support services."),
        _crit(P, "", "", "Personally committed to safeguarding children's welfare and rights."),
        _crit(P, "", "", "Helps keep the environment safe for every child."),
        _crit(
            S,
            "",
            "",
            "Excellent interpersonal skills with young people, parents and professionals.",
        ),
        _crit(P, "", "", "Enthusiastic, driven and loves the job."),
        _crit(P, "", "", "Keeps high personal standards."),
        _crit(P, "", "", "Keeps appropriate relationships and boundaries with children."),
    ],
}

# --- 003: learning support assistant in Connect (SEMH) ------------------------------------

CONNECT_LSA: dict[str, Any] = {
    "reference": "CON-3104",
    "title": "Learning support assistant: SEMH (Connect)",
    "employer": EMPLOYER,
    "department": "Inclusion",
    "section": "Connect (internal alternative provision)",
    "grade": "B3",
    "salary_min": 23480,
    "salary_max": 25010,
    "salary_note": "actual salary",
    "hours_per_week": "37",
    "working_pattern": "Term time plus ten days",
    "reports_to": {"reference": "NLT-CON-01", "title": "Connect manager"},
    "summary": _p(
        "Connect is our own well-staffed alternative pathway inside the school for students "
        "with social, emotional and mental health needs, part of our graduated approach.",
        "It has two learning rooms, each led by an inclusion leader who keeps the room calm "
        "and consistent; the Connect manager leads the whole provision and its team of five, "
        "which this post joins.",
        "Students follow an adapted curriculum with strong pastoral care, building the social, "
        "emotional and academic skills they need to return to mainstream lessons.",
        "You will work beside the inclusion leader, directed by the Connect manager and "
        "teachers: helping students regulate, engage, keep routines and take part in "
        "interventions.",
        "Everyone who works for the trust keeps children safe, following Keeping Children Safe "
        "in Education and safer working practice.",
    ),
    "accountabilities": [
        {
            "heading": "Support for students",
            "activity": "PUPIL_SUPPORT",
            "standard_duties": _p(
                "Support students with SEMH needs in Connect every day.",
                "Build trusting, professional relationships that help students regulate and "
                "engage.",
                "Help students build routines, independence and self-management.",
                "Carry out individual strategies and SEMH interventions as directed.",
                "Help students access the adapted curriculum one to one and in small groups.",
                "Reinforce positive behaviour, using de-escalation and restorative approaches.",
            ),
        },
        {
            "heading": "Support for learning and teaching",
            "activity": "CURRICULUM",
            "standard_duties": _p(
                "Keep the room calm and purposeful with the inclusion leader.",
                "Prepare and adapt resources for each student.",
                "Deliver activities and interventions that rebuild confidence.",
                "Tell the inclusion leader and Connect manager how students are engaging.",
                "Follow support plans, pupil passports and EHCP strategies.",
            ),
        },
        {
            "heading": "Connect provision operations",
            "activity": "OTHER",
            "standard_duties": _p(
                "Help keep Connect safe, nurturing and consistent.",
                "Run routines such as arrivals, transitions, breakfast club and breaks.",
                "Record observations and pastoral notes promptly in school systems.",
                "Keep shared expectations with the rest of the Connect team.",
                "Keep the room organised and welcoming.",
            ),
        },
        {
            "heading": "Professional responsibilities, relationships and collaboration",
            "activity": "LIAISON",
            "standard_duties": _p(
                "Keep confidentiality, professionalism and safeguarding standards.",
                "Train in SEMH, trauma-informed practice, de-escalation and SEND.",
                "Join team briefings, supervision and reflection meetings.",
                "Share ideas that improve Connect.",
                "Work with teachers, specialists and other professionals.",
                "Be a positive role model with high expectations and high support.",
                "Keep families informed, sensitively, and attend meetings with them.",
            ),
        },
        {
            "heading": "Administrative and practical support",
            "activity": "OTHER",
            "standard_duties": _p(
                "Prepare and look after specialist equipment such as overlays.",
                "Act as scribe, reader or invigilator in exams.",
                "Give personal help in practical lessons and on visits.",
                "Supervise students on trips and clubs.",
            ),
        },
        {
            "heading": "Professional development and compliance",
            "activity": "OTHER",
            "standard_duties": _p(
                "Attend training and meetings that develop the role.",
                "Follow the safeguarding, health and safety, confidentiality and data "
                "protection policies.",
                "Know your strengths and areas to develop, and support colleagues.",
                "Live the academy's core values.",
            ),
        },
        {
            "heading": "Other duties",
            "activity": "OTHER",
            "standard_duties": _p(
                "Take on other reasonable duties and training that fit the role.",
                "Take part in performance management and line management meetings.",
                "Follow published school policies.",
                "Carry out other duties the leadership team reasonably asks.",
            ),
        },
        {
            "heading": "Equal opportunities",
            "activity": "OTHER",
            "standard_duties": _p(
                "Promote equal opportunities so every child and family benefits.",
                "Help every student be happy, healthy, safe and successful.",
            ),
        },
        {
            "heading": "Expectations of all staff",
            "activity": "OTHER",
            "standard_duties": _p(
                "Uphold professional standards with colleagues, students, families and the "
                "community.",
                "Improve your practice through observation, reflection and CPD.",
                "Know when to ask for help.",
                "Report every concern, following the safeguarding and child protection procedures.",
                "Challenge racism, bullying, harassment and discrimination.",
            ),
        },
    ],
    "context": _p(
        "The principal may change this description as the job changes, within the grade.",
        "Appointment depends on safer recruitment checks, including an enhanced DBS check; a "
        "criminal record does not necessarily rule anyone out.",
        "The role is regulated activity with children: applying while barred is an offence.",
        "Anyone who lived abroad for three months or more in the last ten years as an adult "
        "needs an overseas check before starting.",
        "We welcome applications from everyone and want our staff to reflect our community.",
    ),
    "criteria": [
        _crit(Q, "E", "A", "GCSE English and maths at grade C (4) or equivalent."),
        _crit(Q, "D", "A", "A qualification or experience relating to SEMH."),
        _crit(Q, "E", "A", "Good ICT skills."),
        _crit(K, "E", "A I", "Knows how to develop literacy in school."),
        _crit(K, "E", "A", "Works with students one to one or in small groups."),
        _crit(K, "D", "A I", "Experience with young people with SEMH needs."),
        _crit(K, "E", "A I", "Builds positive relationships with students, parents and staff."),
        _crit(K, "E", "A I", "A good record of teamwork."),
        _crit(K, "E", "A I", "Committed to equality, diversity and inclusion in practice."),
        _crit(K, "E", "A I", "Understands how safeguarding works in a school."),
        _crit(K, "D", "A I C", "Experience with vulnerable young people."),
        _crit(K, "E", "A I C", "Keen to train and take up CPD."),
        _crit(S, "E", "A", "Uses ICT to record, monitor and report."),
        _crit(S, "E", "A C", "Resilient and reliable."),
        _crit(S, "E", "T", "Uses progress data to raise students' attainment."),
        _crit(S, "E", "T", "Knows assessment for learning and how to use it in class."),
        _crit(S, "E", "A I", "Promotes equality, diversity and inclusion in the role."),
        _crit(S, "E", "A I", "Shares responsibility for students' welfare and safety."),
        _crit(S, "E", "A I", "Keeps appropriate relationships and boundaries with students."),
        _crit(S, "E", "A I", "Works well alone and in a group."),
        _crit(S, "E", "A I", "Communicates clearly with young people and adults."),
        _crit(S, "E", "A I", "Respects confidential work and other people's wishes."),
    ],
}

# --- 004: behaviour senior support assistant ----------------------------------------------

BEHAVIOUR_SSA: dict[str, Any] = {
    "reference": "NLT-BEH-05",
    "title": "Behaviour senior support assistant",
    "employer": EMPLOYER,
    "department": "Inclusion",
    "section": "Behaviour",
    "grade": "P5",
    "job_family_code": "5SUPB",
    "evaluation_band": "158-188",
    "profile_date": "2022-01-01",
    "profile_date_month_only": True,
    "reports_to": {"reference": "NLT-BEH-01", "title": "Lead behaviour manager"},
    "summary": _p(
        "This profile describes the usual work at this level of the job family, not every "
        "duty; yearly objectives agreed with the postholder shape it further, and the trust "
        "reviews its job families from time to time.",
        "Roles at this level give practical support within a team, following set procedures "
        "and passing the hardest problems and behaviour to others; they know their "
        "specialism's procedures well and plan their own day-to-day work under supervision.",
    ),
    "purpose": _p(
        "Help put the behaviour protocols into practice for students out of circulation "
        "because of behaviour, directed and supervised by the lead behaviour manager.",
        "Help every student in isolated learning to access the curriculum.",
        "Support the SEMH needs of students in isolated learning so they learn better through "
        "improved behaviour and social skills.",
        "Help plan and prepare learning resources for isolated learning.",
        "With the inclusion support team, coordinate learning for students often out of "
        "circulation, in or out of school.",
        "Watch patterns in attendance, behaviour, rewards, sanctions and detentions for "
        "isolated students, using the school's data.",
        "Give staff feedback and evidence on students' achievements and progress.",
        "Where asked, help investigate serious incidents with senior leaders.",
        "Keep links between home and school for students persistently out of circulation.",
        "Work with outside agencies to help students return to mainstream lessons.",
    ),
    "dimensions": _p("Line management: none.", "Budget: none."),
    "accountabilities": [
        {
            "heading": "Work context and responsibilities for everyone",
            "activity": "OTHER",
            "standard_duties": _p(
                "Keep confidences, in and out of work.",
                "Be proactive about health and safety and report accidents.",
                "Set a good example in dress, behaviour, punctuality and attendance.",
            ),
        },
        {
            "heading": "Support delivery",
            "activity": "PUPIL_SUPPORT",
            "standard_duties": _p(
                "May give specialist support or lead an intervention for individuals or groups.",
                "Keep a programme of activities going, such as lunchtime provision.",
                "Use specialist tools and equipment.",
                "May carry out personal care and routine medical tasks agreed in advance.",
                "May supervise whole classes for teachers' planned lessons.",
            ),
        },
        {
            "heading": "Planning and organising",
            "activity": "OTHER",
            "standard_duties": _p(
                "Plan own work, and the team's where needed, to meet priorities.",
                "Support wider activities with specialist help, resources and monitoring.",
                "Look ahead at the work to come and make sure it is done well and on time.",
            ),
        },
        {
            "heading": "Policy and compliance",
            "activity": "OTHER",
            "standard_duties": _p(
                "Follow the set processes, service standards and equipment rules."
            ),
        },
        {
            "heading": "Working with others",
            "activity": "LIAISON",
            "standard_duties": _p(
                "Answer everyday questions promptly and courteously.",
                "Build strong relationships with partners.",
                "Report safeguarding, behaviour and other concerns through the right channels.",
                "May supervise junior staff, escalating concerns about their work.",
            ),
        },
        {
            "heading": "Resources",
            "activity": "OTHER",
            "standard_duties": _p("Deliver practical services to the agreed standard."),
        },
        {
            "heading": "Analysis, reporting and documentation",
            "activity": "OTHER",
            "standard_duties": _p(
                "Help carry out assessments and evaluations.",
                "Process and store information and records as agreed.",
                "Store data and do simple analysis.",
            ),
        },
        {
            "heading": "Duties for everyone",
            "activity": "OTHER",
            "standard_duties": _p(
                "Uphold the trust's values and behaviours.",
                "Work inclusively and promote equality of opportunity.",
                "Look after your own and others' health, safety and welfare.",
                "Work to the national standards for supporting teaching and learning, and "
                "follow the safeguarding policy.",
            ),
        },
    ],
    "criteria": [
        _crit(
            Q,
            "",
            "",
            "At least three GCSEs at grade C (4) or above, including English and "
            "maths, or equivalent ability.",
        ),
        _crit(
            Q,
            "",
            "C",
            "May need a certificate relevant to the role, such as first aid or "
            "behaviour management.",
        ),
        _crit(S, "", "", "Competent with a range of IT tools."),
        _crit(K, "", "", "May need practical knowledge or experience relevant to the role."),
        _crit(S, "", "", "Works with others to give excellent service."),
        _crit(S, "", "", "Good written and spoken communication; builds sound relationships."),
        _crit(S, "", "", "Prioritises and plans own work when demands conflict."),
        _crit(S, "", "", "Guides and supports less experienced colleagues."),
        _crit(K, "", "", "Has worked in a similar service."),
        _crit(P, "", "", "Willing to work outside office hours, sometimes outdoors."),
        _crit(Q, "", "C", "A satisfactory enhanced DBS check."),
    ],
}

# Which profiles each kind of school uses.
PRIMARY = [HEADTEACHER, ASSISTANT_HEAD, SENDCO, ELSA_MENTOR]
SECONDARY = [
    HEADTEACHER,
    ASSISTANT_HEAD,
    SENDCO,
    ELSA_MENTOR,
    FACULTY_SUPPORT,
    CONNECT_MANAGER,
    INCLUSION_LEADER,
    CONNECT_LSA,
    LEAD_BEHAVIOUR,
    BEHAVIOUR_SSA,
]
TRUST_STANDARDS = [LSA_LEVEL_2]
