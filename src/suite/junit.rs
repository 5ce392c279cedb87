//! JUnit XML for CI systems: one test suite per model, one test case per case (and repeat),
//! a failure with the failing assertions.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// One case's result for one model.
pub struct Row<'a> {
    pub model: &'a str,
    pub case: &'a str,
    pub seconds: f64,
    /// `None` when it passed; otherwise what failed.
    pub failure: Option<String>,
}

pub fn write(name: &str, rows: &[Row]) -> Result<String, String> {
    let err = |e: std::io::Error| e.to_string();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(err)?;
    let failures = rows.iter().filter(|r| r.failure.is_some()).count();
    let mut top = BytesStart::new("testsuites");
    top.push_attribute(("name", name));
    top.push_attribute(("tests", rows.len().to_string().as_str()));
    top.push_attribute(("failures", failures.to_string().as_str()));
    w.write_event(Event::Start(top)).map_err(err)?;
    let mut models: Vec<&str> = rows.iter().map(|r| r.model).collect();
    models.dedup();
    models.sort_unstable();
    models.dedup();
    for model in models {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.model == model).collect();
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", model));
        suite.push_attribute(("tests", mine.len().to_string().as_str()));
        let failed = mine.iter().filter(|r| r.failure.is_some()).count();
        suite.push_attribute(("failures", failed.to_string().as_str()));
        let time: f64 = mine.iter().map(|r| r.seconds).sum();
        suite.push_attribute(("time", format!("{time:.3}").as_str()));
        w.write_event(Event::Start(suite)).map_err(err)?;
        for r in mine {
            let mut case = BytesStart::new("testcase");
            case.push_attribute(("name", r.case));
            case.push_attribute(("classname", model));
            case.push_attribute(("time", format!("{:.3}", r.seconds).as_str()));
            match &r.failure {
                None => w.write_event(Event::Empty(case)).map_err(err)?,
                Some(why) => {
                    w.write_event(Event::Start(case)).map_err(err)?;
                    let first = why.lines().next().unwrap_or_default();
                    let mut failure = BytesStart::new("failure");
                    failure.push_attribute(("message", first));
                    w.write_event(Event::Start(failure)).map_err(err)?;
                    w.write_event(Event::Text(BytesText::new(why)))
                        .map_err(err)?;
                    w.write_event(Event::End(BytesEnd::new("failure")))
                        .map_err(err)?;
                    w.write_event(Event::End(BytesEnd::new("testcase")))
                        .map_err(err)?;
                }
            }
        }
        w.write_event(Event::End(BytesEnd::new("testsuite")))
            .map_err(err)?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuites")))
        .map_err(err)?;
    let mut out = String::from_utf8(w.into_inner()).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_per_model_and_failures_escaped() {
        let rows = [
            Row {
                model: "sim/swift",
                case: "a <b> & \"c\"",
                seconds: 0.5,
                failure: None,
            },
            Row {
                model: "sim/swift",
                case: "two",
                seconds: 1.0,
                failure: Some("icontains \"leader\": no <leader>".into()),
            },
            Row {
                model: "sim/down",
                case: "two",
                seconds: 0.0,
                failure: Some("no answer".into()),
            },
        ];
        let xml = write("suite", &rows).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(
            xml.contains(r#"<testsuites name="suite" tests="3" failures="2">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testsuite name="sim/swift" tests="2" failures="1" time="1.500">"#),
            "{xml}"
        );
        assert!(xml.contains("a &lt;b&gt; &amp; &quot;c&quot;"), "{xml}");
        assert!(xml.contains("no &lt;leader&gt;"), "{xml}");
        // It parses back.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut cases = 0;
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "testcase" => {
                    cases += 1
                }
                _ => {}
            }
        }
        assert_eq!(cases, 3);
    }
}
