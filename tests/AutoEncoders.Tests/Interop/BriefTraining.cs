using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Interop;

/// <summary>A few Adam steps on the squared reconstruction error, so that weights and batch-norm statistics are no longer their initial values.</summary>
internal static class BriefTraining
{
    /// <summary>Trains <paramref name="model"/> on <paramref name="data"/> [N, ...] in batches of <paramref name="batch"/> rows, then puts it in evaluation mode.</summary>
    public static void Run(Autoencoder model, Tensor data, int steps = 20, int batch = 128, double learningRate = 1e-3)
    {
        using var optimizer = torch.optim.Adam(model.parameters(), lr: learningRate);
        long batches = data.shape[0] / batch;
        model.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            long start = step % batches * batch;
            Tensor x = data[TensorIndex.Slice(start, start + batch)];
            Tensor loss = nn.functional.mse_loss(model.forward(x).Reconstruction, x);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        model.eval();
    }
}
