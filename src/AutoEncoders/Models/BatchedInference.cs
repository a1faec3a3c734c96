using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>
/// One pass of a module over many samples, batch by batch, in evaluation mode without gradients: codes cached for
/// layer-wise pretraining, reconstructions of a test set. The results are ordinary tensors (made under
/// <c>no_grad</c>, not inference mode), so they can feed later training.
/// </summary>
public static class BatchedInference
{
    /// <summary>
    /// Runs <paramref name="step"/> on <paramref name="input"/> <paramref name="batchSize"/> rows at a time with
    /// <paramref name="model"/> in evaluation mode (its mode is restored afterwards) and concatenates the results.
    /// </summary>
    public static Tensor Map(nn.Module model, Tensor input, Func<Tensor, Tensor> step, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var parts = new List<Tensor>();
            for (long start = 0; start < input.shape[0]; start += batchSize)
            {
                parts.Add(step(input.narrow(0, start, Math.Min(batchSize, input.shape[0] - start))));
            }

            return torch.cat(parts).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
