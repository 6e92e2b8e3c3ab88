package dev.scion.trainer.checkpoint;

/** Why one checkpoint folder cannot be resumed from; the message is the reason, the store adds the folder. */
final class CheckpointInvalidException extends Exception {
    CheckpointInvalidException(String reason) {
        super(reason, null, false, false);
    }
}
