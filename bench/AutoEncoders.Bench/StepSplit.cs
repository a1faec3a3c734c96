using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Bench;

/// <summary>
/// Times each phase of a hand-written training step (batch gather, zero_grad, forward + loss, metric read,
/// backward, optimiser step) for one recipe, so that the next optimisation is chosen by measurement. Phases are
/// timed with the thread's CPU clock (<see cref="ThreadClock"/>), which a shared machine disturbs less than the
/// wall clock. The batch is corrupted (denoising) and the input requires gradients (exact contractive penalty)
/// as in the trainer; the corruption counts in <c>data</c>.
/// </summary>
internal static class StepSplit
{
    public static readonly string[] Phases = ["data", "zero_grad", "forward", "metrics", "backward", "optimizer"];

    /// <summary>Median (or with <paramref name="best"/> the smallest) milliseconds of each phase over <paramref name="steps"/> steps after <paramref name="warmup"/>.</summary>
    public static Dictionary<string, double> Measure(Recipe recipe, TensorDataset train, Func<IEnumerable<Parameter>, optim.Optimizer> makeOptimizer, int warmup, int steps, bool gradsToNone = false, bool best = false)
    {
        int batchSize = recipe.Training.BatchSize;
        using Autoencoder model = recipe.Model.Build();
        model.train();
        Objective objective = recipe.Objective;
        Parameter[] parameters = model.parameters().ToArray();
        using optim.Optimizer opt = makeOptimizer(parameters);
        using var generator = new Generator(1);
        using Tensor order = torch.randperm(train.Count, generator: generator);
        var samples = Phases.ToDictionary(p => p, _ => new List<double>());
        using var noise = new Generator(2);
        long batches = train.Count / batchSize;
        for (int s = 0; s < warmup + steps; s++)
        {
            using var scope = torch.NewDisposeScope();
            var times = new double[Phases.Length];
            double clock = ThreadClock.Seconds();
            Tensor index = order.narrow(0, s % batches * batchSize, batchSize);
            Tensor target = train.Features.index_select(0, index);
            Tensor input = objective.Corruption?.Apply(target, noise) ?? target;
            if (objective.NeedsInputGradient)
            {
                input = input.detach().requires_grad_(true);
            }

            times[0] = Lap(ref clock);
            if (gradsToNone)
            {
                foreach (Parameter p in parameters)
                {
                    p.grad = null;
                }
            }
            else
            {
                opt.zero_grad();
            }

            times[1] = Lap(ref clock);
            AutoencoderOutput output = model.forward(input);
            ObjectiveValue value = objective.Compute(new LossContext { Model = model, Target = target, Input = input, Output = output, Training = true });
            times[2] = Lap(ref clock);
            using Tensor stacked = torch.stack(value.Terms.Prepend(value.Total).Select(t => t.detach().to_type(ScalarType.Float64)).ToArray()).cpu();
            double loss = stacked.data<double>()[0];
            times[3] = Lap(ref clock);
            value.Total.backward();
            times[4] = Lap(ref clock);
            opt.step();
            times[5] = Lap(ref clock);
            if (!double.IsFinite(loss))
            {
                throw new InvalidOperationException($"The loss went non-finite at step {s}.");
            }

            if (s >= warmup)
            {
                for (int i = 0; i < Phases.Length; i++)
                {
                    samples[Phases[i]].Add(times[i]);
                }
            }
        }

        return samples.ToDictionary(p => p.Key, p => best ? p.Value.Min() : Statistics.Median(p.Value));
    }

    private static double Lap(ref double clock)
    {
        double now = ThreadClock.Seconds();
        double ms = (now - clock) * 1000;
        clock = now;
        return ms;
    }
}
