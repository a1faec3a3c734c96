using AutoEncoders.Models;
using AutoEncoders.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training.Pretraining;

/// <summary>Runs one frozen-stack stage on the one <see cref="Trainer"/> loop (schedules, early stopping, NaN guard, checkpoints, resume).</summary>
internal static class FrozenStageTraining
{
    public static TrainingHistory Train(
        Autoencoder stage,
        nn.Module deep,
        Parameter[] trainable,
        Action enterTraining,
        Tensor stageInput,
        Tensor target,
        PretrainingLayer settings,
        string label,
        Action<string>? log,
        StageRun? run)
    {
        run ??= new StageRun();
        Objective objective = settings.Objective;
        var step = new FrozenStageStep(stage, deep, trainable, enterTraining, stageInput.shape[1..], target.shape[1..], objective, label);
        using TensorDataset data = FrozenStageStep.Dataset(stageInput, target, $"{label} (frozen stack)");
        using var trainer = new Trainer(step, settings.Training) { CheckpointPath = run.CheckpointPath };
        if (log is not null)
        {
            trainer.Callbacks.Add(new Callbacks.EpochLog(log, (record, epochs) => FormattableString.Invariant(
                $"{label} (frozen stack) epoch {record.Epoch}/{epochs}: loss {record.Train["loss"]:G5} ({record.Seconds:F1} s)")));
        }

        foreach (ITrainingCallback callback in run.Callbacks)
        {
            trainer.Callbacks.Add(callback);
        }

        return trainer.Fit(data, resumeFrom: run.ResumeFrom, cancellationToken: run.Cancellation);
    }
}
