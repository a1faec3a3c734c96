using AutoEncoders.Data;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>The evaluation pass of the <see cref="Trainer"/>: a step's metrics averaged over a dataset, in evaluation mode.</summary>
internal static class StepEvaluation
{
    public static IReadOnlyDictionary<string, double> Mean(TrainingStep step, StepContext context, TensorDataset data, int batchSize, int seed)
    {
        nn.Module model = step.Model;
        bool wasTraining = model.training;
        model.eval();
        IReadOnlyList<string> names = step.MetricNames;
        double[] sums = new double[names.Count];
        long samples = 0;

        // Evaluation noise has its own generator, reseeded every time, so validation losses of denoising models are
        // comparable across epochs and do not disturb the training noise stream.
        using var generator = new Generator((ulong)seed + 2);
        try
        {
            foreach (Batch batch in data.Batches(batchSize))
            {
                using var scope = torch.NewDisposeScope();
                using IDisposable gradientMode = step.EvaluatesWithGradients ? torch.enable_grad() : torch.no_grad();
                double[] values = step.Evaluate(batch, context, generator);
                for (int i = 0; i < values.Length; i++)
                {
                    sums[i] += values[i] * batch.Size;
                }

                samples += batch.Size;
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return names.Select((n, i) => (n, v: sums[i] / Math.Max(1, samples))).ToDictionary(p => p.n, p => p.v);
    }
}
