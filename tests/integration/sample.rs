//! The sample report (`content/`, the SSCB Annual Report 2016/17): every fact of
//! the seed text is on the built site, the scanning damage is not, and `public/`
//! is exactly what a build produces.

use crate::common::{all_text, build, repo};

/// Facts of the seed, in the repaired wording, as they must read on the site.
const FACTS: &[&str] = &[
    // Header and sign-off.
    "Somerset Health and Wellbeing Board",
    "Somerset Safeguarding Children Board",
    "SSCB Annual Report 2016/17",
    "Sally Halls",
    "Independent Chair (SSCB)",
    "Helen MacDonald",
    "Business Manager (SSCB)",
    "Relevant Senior Manager / Lead Officer (Director Level)",
    "Mark Barratt",
    "Cabinet Member / Portfolio Holder (if applicable)",
    "Frances Nicholson",
    "Monitoring Officer (Somerset County Council)",
    "Julian Gale",
    "15 November 2017",
    "20 December 2017",
    // Statutory duty and purpose.
    // The a11y stage spells out an abbreviation at its first use on a page.
    "The Somerset Safeguarding Children Board (SSCB) Independent Chair must publish an Annual Report",
    "on the effectiveness of child safeguarding and promoting the welfare of children in the local area",
    "statutory requirement under section 14A of the Children Act 2004",
    "The purpose of the annual report is to provide a transparent assessment of the performance and effectiveness of local services, identifying where improvements are required.",
    "Progress against the Board's four priorities (Early Help, multi-agency safeguarding, neglect, child sexual exploitation and children missing) is detailed.",
    // Summary.
    "The report summarises key learning points from serious case reviews and other learning and quality assurance activity undertaken by the Board",
    "the way the SSCB and its partners have worked together to keep children safe in Somerset has improved over the past year",
    "Many children and families are receiving more effective services, often at an earlier stage than previously.",
    "The Board is better sighted on the quality and effectiveness of safeguarding arrangements.",
    "to strengthen early help arrangements, and to promote improvement in key areas such as neglect and the exploitation of children",
    "Somerset Working Together Protocol for the Strategic Partnership Boards in Somerset",
    "aims to support effective joint working across the partnerships",
    // Recommendations and references.
    "notes the assessment of safeguarding and performance as outlined in the SSCB Annual Report for 2016/17",
    "supports the SSCB to promote learning from reviews across agencies and the wider community",
    "considers whether there is further guidance or support might be required to strengthen Early Help and support to practitioners across all agencies",
    "considers whether there is further guidance or support would help practitioners identify risk to children where hidden harm may be a feature within the family",
    "supports partner engagement in delivery of the SSCB neglect strategy, action plan and practice guidance",
    "HWBB P1",
    "HWBB P2",
    // Reasons, strategy, implications.
    "To continue helping strengthen arrangements for safeguarding children in Somerset and promoting children's wellbeing.",
    "People, families and communities take responsibility for their own health and wellbeing",
    "Families and communities are thriving and resilient",
    "None identified",
    "Children within vulnerable families, where multiple vulnerabilities may feature and children may be subject to abuse or neglect through hidden harm.",
    "Risk Assessment",
    "Not applicable",
    // Priorities.
    "Early Help",
    "Multi-agency safeguarding",
    "Neglect",
    "Child Sexual Exploitation/Children Missing",
    "What was done",
    "What the impact was",
    "Next steps to be taken",
    // Reviews.
    "One Serious Case Review was published in 2016/17.",
    "Child J and Child L",
    "Child Sam",
    "Operation Fenestra",
    "suffered serious harm as a result of non-accidental injury",
    "suffered serious harm as a result of being sexually exploited",
    "Published",
    "In progress",
    "multi-agency practitioner learning events in response to serious incident notifications",
    "particularly in cases where hidden harm were a key feature",
    // Improvements.
    "increasing workforce understanding of the vulnerability of unborn and new born babies",
    "identifying and responding to risk to children in the wider family context, especially where families experience multiple vulnerabilities",
    "sharing information with and across agencies more effectively to safeguard children",
    // CSE lessons.
    "Support the workforce in their knowledge and understanding around issues of sexual consent and adolescent sexual activity",
    "Help the workforce develop skills for working with parents around issues or risk 'outside' of the family",
    "Develop education provision around relationships and raise awareness of CSE for both children, their families and the wider community",
    "Understand the need for children who may be at risk from or experiencing CSE to have sufficient and experienced support for their emotional and mental health problems",
    "Recognise that this is a complex area of work and strong multi-agency",
    "the source text ends here",
    // Other themes.
    "embedding Early Help",
    "Neglect will continue to be a priority focus in 2017/18",
    "escalation and resolving professional differences",
    "information sharing",
    // Statutory functions.
    "Management of allegations of abuse made against people who work with children",
    "Communicating and raising awareness of how all parties can best safeguard and promote the welfare of children in Somerset",
    "Developing and supporting the workforce through training, development of safeguarding policies, procedures and other guidance",
    "Monitoring and evaluating the work of partners and local services",
    "Reviewing serious cases where children have been seriously harmed",
    // Sections 2-5 and Appendix A.
    "Options considered and reasons for rejecting them",
    "Consultations undertaken",
    "Financial, Legal, HR and Risk Implications",
    "Background papers",
    "Appendix A",
    "Somerset Safeguarding Children Board Annual Report 2016/17",
];

/// Scanning damage in the seed that must not reach the site.
const DAMAGE: &[&str] = &[
    "staturequirement",
    "Recommenda tions",
    "iis is a statutory",
    "rding and `",
];

fn normalise(s: &str) -> String {
    s.replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
}

#[test]
fn every_seed_fact_is_on_the_site() {
    let files = build(&repo()).expect("the sample builds");
    let text = normalise(&all_text(&files));
    let missing: Vec<&&str> = FACTS
        .iter()
        .filter(|f| !text.contains(&normalise(f)))
        .collect();
    assert!(
        missing.is_empty(),
        "facts missing from the built site: {missing:#?}"
    );
    let damaged: Vec<&&str> = DAMAGE.iter().filter(|d| text.contains(**d)).collect();
    assert!(
        damaged.is_empty(),
        "scanning damage on the site: {damaged:?}"
    );
}

#[test]
fn every_abbreviation_is_in_the_glossary() {
    let glossary = std::fs::read_to_string(repo().join("content/glossary.yaml")).expect("glossary");
    for abbr in ["SSCB", "HWBB", "CSE", "SCR", "HR"] {
        assert!(
            glossary.contains(&format!("{abbr}:")),
            "{abbr} is not in content/glossary.yaml"
        );
    }
}

#[test]
fn public_is_up_to_date() {
    let files = build(&repo()).expect("the sample builds");
    let public = repo().join("public");
    let mut stale = Vec::new();
    for f in &files {
        match std::fs::read(public.join(&f.path)) {
            Ok(bytes) if bytes == f.bytes => {}
            _ => stale.push(f.path.clone()),
        }
    }
    let mut on_disk = Vec::new();
    for e in walkdir::WalkDir::new(&public) {
        let e = e.expect("walk public");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(&public)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            if rel != reportsite::output::MARKER && !files.iter().any(|f| f.path == rel) {
                on_disk.push(rel);
            }
        }
    }
    assert!(
        stale.is_empty() && on_disk.is_empty(),
        "public/ is stale: run `cargo run --release -- build` (differs: {stale:?}; extra: {on_disk:?})"
    );
}
