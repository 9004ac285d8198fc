use crate::helpers::{TestApp, PASSWORD};
use serde_json::json;

on_both_engines! {
    async fn only_admins_manage_users() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let moderator = app.token("moderator").await;
        for token in [&editor, &moderator] {
            app.get_as("/api/v1/users", token)
                .await
                .assert_problem(403, "forbidden");
            app.post(
                "/api/v1/users",
                Some(token),
                &json!({"username": "x-y-z", "password": PASSWORD, "role": "editor"}),
            )
            .await
            .assert_problem(403, "forbidden");
        }
        app.get("/api/v1/users").await.assert_problem(401, "unauthorized");
    }
}

on_both_engines! {
    async fn admin_creates_lists_changes_and_deletes_users() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let created = app
            .post(
                "/api/v1/users",
                Some(&admin),
                &json!({"username": "phongvien", "password": PASSWORD, "role": "editor", "display_name": "Phóng viên"}),
            )
            .await;
        assert_eq!(created.status, 201);
        let user = created.json();
        let id = user["id"].as_i64().unwrap();
        assert_eq!(created.header("location"), Some(format!("{}/api/v1/users/{id}", app.base)), "absolute");
        assert_eq!(user["display_name"], "Phóng viên");
        assert!(user.get("password").is_none() && user.get("password_hash").is_none());

        // The new user can log in.
        assert_eq!(app.login("phongvien", PASSWORD).await.status, 200);

        let list = app.get_as("/api/v1/users?limit=1", &admin).await.json();
        assert_eq!(list["meta"]["total"], 2);
        assert_eq!(list["data"].as_array().unwrap().len(), 1);
        let next = list["meta"]["next_cursor"].as_str().unwrap();
        let page2 = app
            .get_as(&format!("/api/v1/users?limit=1&cursor={next}"), &admin)
            .await
            .json();
        assert_eq!(page2["data"][0]["username"], "phongvien");
        assert!(page2["meta"]["next_cursor"].is_null());

        let changed = app
            .patch(&format!("/api/v1/users/{id}"), &admin, &json!({"role": "moderator"}))
            .await;
        assert_eq!(changed.json()["role"], "moderator");
        // The role change applies to tokens already issued.
        let token = app.login("phongvien", PASSWORD).await.json()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        app.post("/api/v1/articles", Some(&token), &json!({"title": "Thử"}))
            .await
            .assert_problem(403, "forbidden");

        assert_eq!(app.delete(&format!("/api/v1/users/{id}"), &admin).await.status, 204);
        app.get_as(&format!("/api/v1/users/{id}"), &admin)
            .await
            .assert_problem(404, "not_found");
    }
}

on_both_engines! {
    async fn user_validation_and_conflicts() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let bad = app
            .post(
                "/api/v1/users",
                Some(&admin),
                &json!({"username": "Có Dấu", "password": "ngan", "role": "editor"}),
            )
            .await;
        let body = bad.assert_problem(422, "validation_failed");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&"username") && fields.contains(&"password"), "{body}");
        app.post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "abc", "password": PASSWORD, "role": "boss"}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "admin", "password": PASSWORD, "role": "editor"}),
        )
        .await
        .assert_problem(409, "username_taken");
    }
}

on_both_engines! {
    async fn the_last_admin_stays() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let me = app.get_as("/api/v1/auth/me", &admin).await.json();
        let id = me["id"].as_i64().unwrap();
        app.patch(&format!("/api/v1/users/{id}"), &admin, &json!({"role": "editor"}))
            .await
            .assert_problem(409, "last_admin");
        app.delete(&format!("/api/v1/users/{id}"), &admin)
            .await
            .assert_problem(409, "last_admin");
        assert_eq!(app.get_as("/api/v1/auth/me", &admin).await.json()["role"], "admin");
    }
}
