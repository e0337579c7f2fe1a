//! `--verify` for Supabase keys against a loopback stand-in of the project's REST root: a read
//! (`GET /rest/v1/`) with the key in `apikey` and `Authorization`, never a write.

use crate::common;
use common::http::{MockServer, Reply};
use common::*;

fn scan_verified(server: &MockServer, key_line: &str) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "server/config.ts", format!("{key_line}\n"));
    let (code, report, _) = scan_json(
        dir.path(),
        &[
            "--no-history",
            "--verify",
            "--verify-endpoint",
            &format!("supabase={}", server.url()),
        ],
    );
    (code, report)
}

#[test]
fn service_role_key_is_checked_with_a_read_of_the_rest_root() {
    let key = fake(
        "{jwt:iss=supabase,ref=*,role=service_role,iat=1700000000,exp=+315360000}",
        "verify-supabase",
    );
    for (reply, status) in [
        (Reply::new(200, r#"{"swagger":"2.0","paths":{}}"#), "live"),
        (
            Reply::new(401, r#"{"message":"Invalid API key"}"#),
            "inactive",
        ),
    ] {
        let s = MockServer::start();
        s.on("/rest/v1/", vec![reply]);
        let (_, report) = scan_verified(
            &s,
            &format!("export const admin = createClient(url, '{key}');"),
        );
        let f = &findings(&report)[0];
        assert_eq!(f["rule_id"], "supabase-service-role-key");
        assert_eq!(f["verification"]["status"], status, "{report:#}");
        let reqs = s.requests();
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].method, "GET");
        assert_eq!(reqs[0].path(), "/rest/v1/");
        assert_eq!(reqs[0].header("apikey"), Some(key.as_str()));
        assert_eq!(
            reqs[0].header("authorization"),
            Some(format!("Bearer {key}").as_str())
        );
        assert!(!f["verification"]["detail"].as_str().unwrap().contains(&key));
    }
}

#[test]
fn keys_without_a_project_are_not_sent() {
    let s = MockServer::start();
    s.on("/rest/v1/", vec![Reply::new(200, "{}")]);
    let key = fake("sb_secret_{urlsafe:31}", "verify-sb-secret");
    let (_, report) = scan_verified(&s, &format!("SUPABASE_SECRET_KEY = \"{key}\""));
    let f = &findings(&report)[0];
    assert_eq!(f["rule_id"], "supabase-secret-key");
    assert_eq!(f["verification"]["status"], "unknown", "{report:#}");
    assert_eq!(s.requests().len(), 0);
}
