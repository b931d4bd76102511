//! Input is read with a cap before parsing: a device or stream that never ends is refused
//! after the size limit, not read until memory runs out (the file's reported size, 0 for a
//! device, is not trusted).

#[cfg(unix)]
#[test]
fn an_endless_device_is_refused_after_the_size_limit() {
    let err = patchtwin_scenario::load_file(std::path::Path::new("/dev/zero"))
        .expect_err("/dev/zero is not a scenario");
    let text = err.render();
    assert!(
        text.contains(&format!(
            "the largest accepted is {} bytes",
            patchtwin_scenario::source::MAX_INPUT_BYTES
        )),
        "{text}"
    );
    assert!(text.contains("--> /dev/zero"), "{text}");
}

#[test]
fn read_capped_reads_at_most_one_byte_past_the_limit() {
    let dir = std::env::temp_dir().join(format!("patchtwin-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("ten.yaml");
    std::fs::write(&path, b"0123456789").expect("write");
    assert_eq!(
        patchtwin_scenario::read_capped(&path, 10).expect("at the limit"),
        b"0123456789"
    );
    let err = patchtwin_scenario::read_capped(&path, 9).expect_err("over the limit");
    assert!(err.contains("larger than 9 bytes"), "{err}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}
