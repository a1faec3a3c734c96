using System.Diagnostics;
using AutoEncoders.Models;
using AutoEncoders.Training;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Bench;

/// <summary>
/// Wall and whole-process CPU time of a fixed number of training steps through the project's <see cref="Trainer"/>
/// at one batch size: the two-thread check (docs/performance.md, "2026-12-07: two threads"). Process CPU above the
/// wall clock times the thread count is work the threads did besides the step (spinning, mostly); a first epoch of
/// <c>warmup</c> steps is not timed.
/// </summary>
internal static class StepRate
{
    public static (double WallSeconds, double CpuSeconds, double FinalLoss) Measure(Recipe recipe, TensorDataset data, int batchSize, int steps, int warmup)
    {
        using TensorDataset warm = data.Slice(0, (long)warmup * batchSize);
        using TensorDataset timed = data.Slice(0, (long)steps * batchSize);
        using Autoencoder net = recipe.Model.Build();
        var options = recipe.Training with { Epochs = 1, BatchSize = batchSize, Seed = 1, Progress = ProgressMode.Silent };
        using (var warmTrainer = new Trainer(net, recipe.Objective, options))
        {
            warmTrainer.Fit(warm);
        }

        using var trainer = new Trainer(net, recipe.Objective, options);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        TrainingHistory history = trainer.Fit(timed);
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds, history.Epochs[^1].Train["loss"]);
    }
}
