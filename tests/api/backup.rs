//! `bantin backup` on a live SQLite database, taken while articles are being
//! written, and `bantin restore`: the restored site has every write that
//! was acknowledged before the backup began, and is one consistent moment.

use std::time::Instant;

use serde_json::json;

use crate::helpers::TestApp;

#[actix_web::test]
async fn a_backup_taken_under_writes_restores_every_acknowledged_write() {
    crate::helpers::use_engine(crate::helpers::Engine::Sqlite);
    let app = TestApp::spawn().await;
    let editor = app.token("editor").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("honglinh.db");
    let started = std::cell::Cell::new(None::<Instant>);
    let writes = async {
        let mut acknowledged = Vec::new();
        for i in 0..60 {
            let res = app
                .post(
                    "/api/v1/articles",
                    Some(&editor),
                    &json!({"title": format!("Tin số {i}"), "status": "published"}),
                )
                .await;
            assert_eq!(res.status, 201);
            acknowledged.push((res.json()["id"].as_i64().unwrap(), Instant::now()));
            if i == 20 {
                started.set(Some(Instant::now()));
            }
        }
        acknowledged
    };
    let copy = async {
        // Once twenty writes are in, while the others go on.
        while started.get().is_none() {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let (config, file) = ((*app.state.config).clone(), file.clone());
        let began = Instant::now();
        actix_web::rt::task::spawn_blocking(move || {
            bantin::backup::backup(&config, &file, &bantin::progress::Progress::hidden())
        })
        .await
        .unwrap()
        .unwrap();
        began
    };
    let (acknowledged, began) = futures_util::future::join(writes, copy).await;
    assert!(
        acknowledged.iter().any(|(_, at)| *at > began),
        "writes went on during the backup"
    );
    // Never over an existing file; never under a running service.
    let config = (*app.state.config).clone();
    assert!(bantin::backup::backup(&config, &file, &bantin::progress::Progress::hidden()).is_err());
    let live = bantin::backup::restore(&config, &file).unwrap_err();
    assert!(live.to_string().contains("in use"), "{live}");

    // Restored where another site was, with the service stopped.
    let target = tempfile::tempdir().unwrap();
    let mut restored_config = bantin::config::Config::for_data_dir(target.path());
    restored_config.database_url = target.path().join("bantin.db").to_string_lossy().into_owned();
    std::fs::write(&restored_config.database_url, b"old").unwrap();
    bantin::backup::restore(&restored_config, &file).unwrap();
    assert!(
        target.path().join("bantin.db.before-restore").exists(),
        "the replaced database is kept"
    );
    assert!(bantin::backup::restore(&restored_config, &dir.path().join("nothing.db")).is_err());
    let url = restored_config.database_url.clone();
    let restored = TestApp::spawn_with(move |c| c.database_url = url).await;
    let mut present = Vec::new();
    for (id, at) in &acknowledged {
        let status = restored.get(&format!("/api/v1/articles/{id}")).await.status;
        if *at < began {
            assert_eq!(status, 200, "article {id} was acknowledged before the backup began");
        }
        if status == 200 {
            present.push(*id);
        }
    }
    // One moment: what is there is every write up to some point, no gaps.
    let last = *present.last().unwrap();
    let expected: Vec<i64> = acknowledged
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| *id <= last)
        .collect();
    assert_eq!(present, expected);
}
