//! Many residents at once, with duplicates: the counts stay exact on both databases.

use super::{consultation, instance_with_admin, propose, resident};

#[tokio::test]
async fn simultaneous_supports_and_ballots_are_counted_exactly_once_per_resident() {
    const RESIDENTS: usize = 12;
    const REPEATS: usize = 4;
    let (instance, mut admin) = instance_with_admin().await;
    let (_, proposals_slug) = consultation(&mut admin, "Voorstellen", "proposals", &[]).await;
    let (voting_id, voting_slug) = consultation(&mut admin, "Stemmen", "voting", &[]).await;
    admin
        .submit(
            &format!("/admin/consultations/{voting_id}/polls/new"),
            &format!("/admin/consultations/{voting_id}/polls"),
            &[
                ("question", "Welke kleur?"),
                ("options", "Rood\nGroen\nBlauw"),
                ("results", "live"),
            ],
        )
        .await
        .expect(303);
    let polls = instance
        .browser()
        .get(&format!("/api/v1/consultations/{voting_slug}/polls"))
        .await
        .json();
    let poll = polls[0]["id"].as_str().expect("poll").to_owned();
    let options: Vec<String> = (0..3)
        .map(|i| {
            polls[0]["options"][i]["id"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();

    let mut author = resident(&instance, &mut admin, "auteur", true).await;
    let proposal = propose(&mut author, &proposals_slug, "Voorstel voor iedereen").await;

    let mut residents = Vec::new();
    for i in 0..RESIDENTS {
        let mut browser = resident(&instance, &mut admin, &format!("buur{i}"), true).await;
        let token = browser.get("/account").await.csrf();
        residents.push((browser, token));
    }

    // Every resident fires REPEATS supports and REPEATS ballots, all at the same time, each
    // on its own connection with the same session.
    let mut tasks = Vec::new();
    for (i, (browser, token)) in residents.iter().enumerate() {
        for r in 0..REPEATS {
            let (mut b, t, p) = (browser.fork(), token.clone(), proposal.clone());
            tasks.push(tokio::spawn(async move {
                b.post(&format!("/proposals/{p}/support"), &[("csrf_token", &t)])
                    .await
                    .status
            }));
            let (mut b, t, poll, choice) = (
                browser.fork(),
                token.clone(),
                poll.clone(),
                options[(i + r) % 3].clone(),
            );
            tasks.push(tokio::spawn(async move {
                b.post(
                    &format!("/polls/{poll}/vote"),
                    &[("csrf_token", &t), ("option", &choice)],
                )
                .await
                .status
            }));
        }
    }
    for task in tasks {
        assert_eq!(
            task.await.expect("task"),
            303,
            "every request succeeds, duplicates included"
        );
    }

    let detail = instance
        .browser()
        .get(&format!("/api/v1/proposals/{proposal}"))
        .await
        .json();
    assert_eq!(
        detail["supports"], RESIDENTS as u64,
        "one support per resident"
    );
    let results = instance
        .browser()
        .get(&format!("/api/v1/consultations/{voting_slug}/polls"))
        .await
        .json();
    assert_eq!(
        results[0]["voters"], RESIDENTS as u64,
        "one ballot per resident"
    );
    let total: u64 = (0..3)
        .map(|i| results[0]["options"][i]["votes"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        total, RESIDENTS as u64,
        "single choice: one option per ballot"
    );
}
