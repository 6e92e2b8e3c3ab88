package dev.scion.server.contract;

/** Files and fine-tuning responses as Scion sends them, for the contract tests. */
final class FineTuningSamples {
    private FineTuningSamples() {}

    static final String FILE = """
            {"id": "file-abc123", "object": "file", "bytes": 120000, "created_at": 1763800000,
             "filename": "facts.jsonl", "purpose": "fine-tune", "status": "processed"}""";

    static final String FILES = """
            {"object": "list", "data": [%s], "first_id": "file-abc123", "last_id": "file-abc123", "has_more": false}"""
            .formatted(FILE);

    static final String HYPERPARAMETERS = """
            {"n_epochs": 12, "batch_size": 8, "learning_rate_multiplier": 1.0}""";

    static final String JOB_SUCCEEDED = """
            {"id": "ftjob-abc123", "object": "fine_tuning.job", "created_at": 1763800000, "error": null,
             "fine_tuned_model": "facts@2", "finished_at": 1763800042, "hyperparameters": %1$s,
             "model": "scion-tiny-v1", "organization_id": "scion", "result_files": ["file-def456"],
             "status": "succeeded", "trained_tokens": 5768, "training_file": "file-abc123", "validation_file": null,
             "integrations": [], "seed": 42, "estimated_finish": null,
             "method": {"type": "supervised", "supervised": {"hyperparameters": %1$s}},
             "metadata": {"team": "support"},
             "scion": {"adapter": "facts", "source": "api", "rank": null, "alpha": null, "targets": ["q_proj", "v_proj"],
                       "replay_ratio": null, "ewc_lambda": null, "canary_percent": 10, "max_forgetting": null,
                       "save_steps": null, "max_epochs": null, "target_exact_match": null,
                       "min_learned": null}}""".formatted(HYPERPARAMETERS);

    static final String JOB_GATE_REFUSED = JOB_SUCCEEDED
            .replace("\"error\": null", "\"error\": {\"code\": \"gate_refused\", \"message\": \"The evaluation gate "
                    + "refused the trained adapter\", \"param\": null}")
            .replace("\"fine_tuned_model\": \"facts@2\"", "\"fine_tuned_model\": null")
            .replace("\"succeeded\"", "\"failed\"");

    static final String JOB_RUNNING = JOB_SUCCEEDED
            .replace("\"fine_tuned_model\": \"facts@2\"", "\"fine_tuned_model\": null")
            .replace("\"finished_at\": 1763800042", "\"finished_at\": null")
            .replace("\"result_files\": [\"file-def456\"]", "\"result_files\": []")
            .replace("\"succeeded\"", "\"running\"")
            .replace("\"trained_tokens\": 5768", "\"trained_tokens\": null")
            .replace("\"estimated_finish\": null", "\"estimated_finish\": 1763800060")
            .replace("\"metadata\": {\"team\": \"support\"}", "\"metadata\": null");

    static final String JOBS = """
            {"object": "list", "data": [%s, %s], "has_more": true}""".formatted(JOB_RUNNING, JOB_SUCCEEDED);

    static final String EVENTS = """
            {"object": "list", "has_more": false, "data": [
              {"object": "fine_tuning.job.event", "id": "ftevent-a1", "created_at": 1763800010, "level": "info",
               "message": "Step 3/40: training loss=1.2345", "type": "metrics",
               "data": {"step": 3, "total_steps": 40, "epoch": 1, "train_loss": 1.2345, "learning_rate": 0.002,
                        "grad_norm": 0.8, "tokens_per_second": 812.5}},
              {"object": "fine_tuning.job.event", "id": "ftevent-a0", "created_at": 1763800000, "level": "info",
               "message": "Fine-tuning job started.", "type": "message", "data": {}}]}""";

    static final String CHECKPOINTS = """
            {"object": "list", "has_more": false, "first_id": "ftckpt-abc123", "last_id": "ftckpt-abc123", "data": [
              {"object": "fine_tuning.job.checkpoint", "id": "ftckpt-abc123", "created_at": 1763800042,
               "fine_tuned_model_checkpoint": "facts@2", "fine_tuning_job_id": "ftjob-abc123", "step_number": 40,
               "metrics": {"step": 40, "train_loss": 0.05, "valid_loss": 0.07, "full_valid_loss": 0.07}}]}""";
}
