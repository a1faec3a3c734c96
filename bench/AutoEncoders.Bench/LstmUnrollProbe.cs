using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Bench;

/// <summary>
/// nn.LSTM against a hand-unrolled LSTM loop (one matmul per step for the four gates, the input projection of
/// all steps in one matmul) over the same weights: forward + backward CPU time and the largest differences.
/// </summary>
internal static class LstmUnrollProbe
{
    public static void Run()
    {
        foreach ((long input, bool repeated) in new[] { (1L, false), (64L, true), (1L, false), (64L, true) })
        {
            var lstm = nn.LSTM(input, 64, batchFirst: true);
            using Tensor data = repeated ? torch.randn(64, 64) : torch.randn(64, 140, input);
            double bestModule = double.MaxValue, bestLoop = double.MaxValue;
            double outDiff = 0, gradDiff = 0;
            for (int r = 0; r < 5; r++)
            {
                using var scope = torch.NewDisposeScope();
                Tensor x1 = data.detach().requires_grad_(true);
                double t0 = ThreadClock.Seconds();
                Tensor seq1 = repeated ? x1.unsqueeze(1).expand(64, 140, 64) : x1;
                (Tensor o1, Tensor h1, _) = lstm.call(seq1);
                (o1.square().sum() + h1.sum()).backward();
                bestModule = Math.Min(bestModule, ThreadClock.Seconds() - t0);
                Tensor gModule = lstm.parameters().First().grad!.clone();
                Tensor gx1 = x1.grad!.clone();
                lstm.zero_grad();

                Tensor x2 = data.detach().requires_grad_(true);
                t0 = ThreadClock.Seconds();
                (Tensor o2, Tensor h2) = Unrolled(lstm, x2, repeated, 140);
                (o2.square().sum() + h2.sum()).backward();
                bestLoop = Math.Min(bestLoop, ThreadClock.Seconds() - t0);
                Tensor gLoop = lstm.parameters().First().grad!.clone();
                lstm.zero_grad();
                outDiff = Math.Max(outDiff, (o1 - o2).abs().max().item<float>());
                gradDiff = Math.Max(gradDiff, Math.Max(((gModule - gLoop).abs().max() / gModule.abs().max()).item<float>(), ((gx1 - x2.grad!).abs().max() / gx1.abs().max()).item<float>()));
            }

            Console.WriteLine($"LSTM {input}->64{(repeated ? " (repeated input)" : string.Empty)}: nn.LSTM {bestModule * 1000:F1} ms, unrolled {bestLoop * 1000:F1} ms fwd+bwd CPU; max |output diff| {outDiff:E2}, max |grad diff| / max |grad| {gradDiff:E2}");
        }
    }

    private static (Tensor Output, Tensor Last) Unrolled(LSTM lstm, Tensor x, bool repeated, long steps)
    {
        var p = lstm.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        Tensor wih = p["weight_ih_l0"], whh = p["weight_hh_l0"], bih = p["bias_ih_l0"], bhh = p["bias_hh_l0"];
        long batch = x.shape[0], hidden = whh.shape[1];
        Tensor projected = repeated
            ? torch.addmm(bih + bhh, x, wih.t(), 1, 1)
            : torch.addmm(bih + bhh, x.reshape(-1, x.shape[2]), wih.t(), 1, 1).reshape(batch, steps, 4 * hidden);
        Tensor h = torch.zeros(batch, hidden);
        Tensor c = torch.zeros(batch, hidden);
        Tensor whhT = whh.t();
        Tensor[] perStep = repeated ? [] : projected.unbind(1);
        var outputs = new Tensor[steps];
        for (long t = 0; t < steps; t++)
        {
            Tensor gates = torch.addmm(repeated ? projected : perStep[t], h, whhT, 1, 1);
            Tensor[] g = gates.chunk(4, 1);
            Tensor i = g[0].sigmoid(), f = g[1].sigmoid(), cell = g[2].tanh(), o = g[3].sigmoid();
            c = torch.addcmul(f * c, i, cell, 1);
            h = o * c.tanh();
            outputs[t] = h;
        }

        return (torch.stack(outputs, 1), h);
    }
}
