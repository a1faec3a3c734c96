using System.Diagnostics;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Bench;

/// <summary>
/// Training throughput of the project's <see cref="Trainer"/> (what users get): one epoch over just enough samples
/// for the warm-up and the timed windows, batch timestamps from a callback, the median window rate, by the wall
/// clock and by the training thread's CPU clock (<see cref="ThreadClock"/>).
/// </summary>
internal sealed class Throughput : ITrainingCallback
{
    private readonly List<double> _stamps = [];
    private readonly List<double> _cpuStamps = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static (double Wall, double Cpu, double BestStepCpuMs) SamplesPerSecond(ModelConfig model, Objective objective, OptimizerOptions optimizer, TensorDataset data, int batchSize, int warmup, int windows, int window)
    {
        int steps = warmup + (windows * window);
        using TensorDataset subset = data.Slice(0, Math.Min(data.Count, (long)steps * batchSize));
        using Autoencoder net = model.Build();
        var probe = new Throughput();
        using var trainer = new Trainer(net, objective, new TrainerOptions
        {
            Epochs = 1,
            BatchSize = batchSize,
            Seed = 1,
            Progress = ProgressMode.Silent,
            Optimizer = optimizer,
        });
        trainer.Callbacks.Add(probe);
        trainer.Fit(subset);
        double best = Enumerable.Range(warmup, steps - warmup).Min(i => probe._cpuStamps[i] - probe._cpuStamps[i - 1]) * 1000;
        return (Rate(probe._stamps), Rate(probe._cpuStamps), best);

        double Rate(List<double> stamps)
        {
            var rates = new List<double>();
            for (int w = 0; w < windows; w++)
            {
                int start = warmup + (w * window) - 1;
                rates.Add(window * batchSize / (stamps[start + window] - stamps[start]));
            }

            return Statistics.Median(rates);
        }
    }

    public void OnBatchEnd(Trainer trainer, BatchProgress progress)
    {
        _stamps.Add(_clock.Elapsed.TotalSeconds);
        _cpuStamps.Add(ThreadClock.Seconds());
    }
}
