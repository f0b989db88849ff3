//! The built-in lists: words and phrases to avoid, Latin abbreviations, and
//! wording that assumes a mouse ("click here").
//!
//! Compiled for reportsite, in its own words, from public guidance on writing
//! for the public: GOV.UK's style guide ("plain English", "words to avoid",
//! "Latin"), and the Plain English Campaign's A to Z of alternative words. Each
//! entry lists the forms matched (`|` between them; a phrase is words with
//! spaces, matched whole and ignoring case, so `ring-fencing` matches
//! `ring fencing`), and what to write instead.

/// Words and phrases that hide meaning, with plainer words.
pub(crate) const AVOID: &[(&str, &str)] = &[
    ("a number of", "\"some\", \"several\", or the number itself"),
    ("additional", "\"extra\" or \"more\""),
    ("aforementioned", "\"this\", \"that\" or the thing's name"),
    ("amongst", "\"among\""),
    ("approximately", "\"about\""),
    ("assist|assists|assisted|assisting|assistance", "\"help\""),
    (
        "capacity building",
        "say what skills or resources are added",
    ),
    (
        "collaborate|collaborates|collaborated|collaborating",
        "\"work with\"",
    ),
    (
        "combat|combats|combating|combatting",
        "\"stop\", \"reduce\" or \"prevent\": say which",
    ),
    (
        "commence|commences|commenced|commencing",
        "\"start\" or \"begin\"",
    ),
    (
        "commit|commits|committing|pledge|pledges|pledged",
        "say what will be done, and when",
    ),
    ("countering", "\"stopping\" or \"answering\": say which"),
    (
        "deliver|delivers|delivered|delivering|delivery",
        "say what is done: \"give\", \"run\", \"make\", \"provide\" (post and parcels are delivered, services and plans are not)",
    ),
    (
        "deploy|deploys|deployed|deploying",
        "\"use\" or \"put in place\"",
    ),
    ("dialogue", "\"talk\" or \"discussion\""),
    (
        "disincentivise|disincentivises|disincentivised",
        "\"discourage\"",
    ),
    (
        "empower|empowers|empowered|empowering|empowerment",
        "\"let\", \"allow\" or \"help\": say what people can now do",
    ),
    ("endeavour|endeavours|endeavoured", "\"try\""),
    ("ensure|ensures|ensured|ensuring", "\"make sure\""),
    (
        "facilitate|facilitates|facilitated|facilitating",
        "say what is done: \"help\", \"run\", \"arrange\"",
    ),
    (
        "focusing|focussing",
        "\"working on\" or \"concentrating on\"",
    ),
    (
        "going forward|moving forward",
        "\"from now on\" or \"in future\"",
    ),
    ("henceforth", "\"from now on\""),
    (
        "holistic",
        "\"whole\" or \"complete\": say what is included",
    ),
    ("impacted|impacting", "\"affected\" or \"changed\""),
    ("in order to", "\"to\""),
    (
        "in relation to|in respect of|with regard to|with regards to",
        "\"about\" or \"for\"",
    ),
    ("incentivise|incentivises|incentivised", "\"encourage\""),
    (
        "initiate|initiates|initiated|initiating",
        "\"start\" or \"begin\"",
    ),
    ("key", "\"important\" or \"main\" (unless it opens a lock)"),
    ("leverage|leverages|leveraged|leveraging", "\"use\""),
    (
        "liaise|liaises|liaised|liaising",
        "\"work with\" or \"talk to\"",
    ),
    ("one stop shop", "\"one place\""),
    ("overarching", "\"main\" or \"overall\""),
    (
        "paradigm",
        "say what you mean: \"model\", \"way of working\"",
    ),
    ("prior to", "\"before\""),
    (
        "proactive|proactively",
        "\"early\" or \"before it is needed\"",
    ),
    (
        "progressing|progressed",
        "\"moving forward\" or \"making progress\"",
    ),
    (
        "promote|promotes|promoted|promoting",
        "\"encourage\" or \"support\" (unless an advert or a job)",
    ),
    ("regarding", "\"about\""),
    (
        "ring fencing|ring fenced|ring fence",
        "\"kept for\" or \"kept separate\"",
    ),
    ("robust", "\"strong\" or \"thorough\": say what makes it so"),
    ("slimming down", "\"making smaller\" or \"cutting\""),
    (
        "stakeholder|stakeholders",
        "name the people or organisations",
    ),
    (
        "streamline|streamlines|streamlined|streamlining",
        "\"simplify\" or \"make quicker\"",
    ),
    (
        "strengthen|strengthens|strengthened|strengthening",
        "\"improve\": say how",
    ),
    ("sufficient", "\"enough\""),
    ("synergy|synergies", "\"working together\""),
    (
        "tackle|tackles|tackled|tackling",
        "\"deal with\", \"stop\" or \"reduce\"",
    ),
    ("thus", "\"so\""),
    ("touch base", "\"talk\" or \"meet\""),
    (
        "transform|transforms|transformed|transforming|transformation",
        "\"change\": say how",
    ),
    ("upskill|upskilling", "\"train\""),
    (
        "utilise|utilises|utilised|utilising|utilisation|utilize|utilizes|utilized|utilizing",
        "\"use\"",
    ),
    ("whilst", "\"while\""),
];

/// Latin abbreviations and phrases many readers do not know, with the words
/// to write instead. `e.g.` is the word `e.g` to the segmenter.
pub(crate) const LATIN: &[(&str, &str)] = &[
    ("e.g|eg", "\"for example\", \"such as\" or \"like\""),
    ("i.e|ie", "\"that is\" or \"meaning\""),
    ("etc", "\"and so on\", or list every item"),
    ("n.b|nb", "\"note\" (or leave it out)"),
    ("et al", "\"and others\""),
    ("per annum", "\"a year\""),
    ("ad hoc", "\"when needed\""),
    ("vs|viz", "\"against\" (vs) or \"namely\" (viz)"),
];

/// Wording that assumes a mouse or points at a link instead of saying where
/// it goes, outside the link's own text.
pub(crate) const CLICK: &[(&str, &str)] = &[
    (
        "click|clicks|clicking|click here|click on",
        "say where the link goes in its own text (\"Read the 2016 review\"); on a phone or with a keyboard nobody clicks, so write \"select\" or \"go to\"",
    ),
    (
        "this link|the link below|follow this link",
        "make the link's own text say where it goes",
    ),
];
