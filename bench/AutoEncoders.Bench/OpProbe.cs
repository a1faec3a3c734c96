using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Bench;

/// <summary>
/// CPU time of single operations at the shapes of the small dense recipes (best of many repetitions, the
/// training thread's clock), to compare libtorch op by op with bench/op_probe.py on the peer. AE_OPS_CLOCK=wall
/// times the best wall time instead (for more than one thread, where the calling thread's clock misses the others).
/// </summary>
internal static class OpProbe
{
    public static void Run(int batch, int input, int hidden)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(1);
        Tensor x = torch.rand(batch, input);
        Tensor w = torch.randn(hidden, input) * 0.05;
        Tensor b = torch.randn(hidden) * 0.05;
        Tensor g = torch.randn(batch, hidden);
        Tensor gOut = torch.randn(batch, input);
        Tensor w2 = torch.randn(input, hidden) * 0.05;
        Tensor h = torch.randn(batch, hidden);
        var ops = new (string Name, Action Op)[]
        {
            ($"linear fwd [{batch},{input}]x[{input},{hidden}]", () => nn.functional.linear(x, w, b).Dispose()),
            ($"mm grad_input g@W [{batch},{hidden}]x[{hidden},{input}]", () => g.mm(w).Dispose()),
            ($"mm grad_weight (g^T x) [{hidden},{batch}]x[{batch},{input}]", () => g.t().mm(x).Dispose()),
            ($"mm grad_weight (x^T g)^T", () => x.t().mm(g).t().contiguous().Dispose()),
            ($"linear fwd out [{batch},{hidden}]x[{hidden},{input}]", () => nn.functional.linear(h, w2, null).Dispose()),
            ($"mm grad_weight out (gOut^T h) [{input},{batch}]x[{batch},{hidden}]", () => gOut.t().mm(h).Dispose()),
            ($"bias grad sum(0) [{batch},{input}]", () => gOut.sum(0).Dispose()),
            ($"relu [{batch},{hidden}]", () => nn.functional.relu(h).Dispose()),
            ($"threshold_backward [{batch},{hidden}]", () => g.mul(h.gt(0)).Dispose()),
            ($"sigmoid [{batch},{input}]", () => gOut.sigmoid().Dispose()),
            ($"bce_with_logits none+mean [{batch},{input}]", () => nn.functional.binary_cross_entropy_with_logits(gOut, x, reduction: nn.Reduction.None).mean().Dispose()),
            ($"randn [{batch},{input}] generator", () => torch.randn(x.shape, generator: generator).Dispose()),
            ($"randn [{batch},{input}] default", () => torch.randn(x.shape).Dispose()),
            ($"x + 0.5 randn, clamp(0,1)", () => { using var d = torch.NewDisposeScope(); (x + (0.5 * torch.randn(x.shape, generator: generator))).clamp(0, 1); }),
            ("randn, in place: mul_(0.5), add_(x), clamp_(0,1)", () => torch.randn(x.shape, generator: generator).mul_(0.5).add_(x).clamp_(0, 1).Dispose()),
            ("GaussianNoise.Apply (the library's)", () => new AutoEncoders.Objectives.Corruptions.GaussianNoise { Factor = 0.5 }.Apply(x, generator).Dispose()),
            ($"zeros_like [{hidden},{input}]", () => torch.zeros_like(w).Dispose()),
            ("add scalar tensor op overhead", () => b.add(1.0).Dispose()),
            ("bce_with_logits mean, fwd+bwd", () => Backward(z => nn.functional.binary_cross_entropy_with_logits(z, x))),
            ("bce_with_logits none, sum(1).mean, fwd+bwd", () => Backward(z => nn.functional.binary_cross_entropy_with_logits(z, x, reduction: nn.Reduction.None).sum(1).mean())),
            ("softplus(z) - x z, mean, fwd+bwd", () => Backward(z => (nn.functional.softplus(z) - (x * z)).mean())),
            ("softplus(z) - x z, sum(1).mean, fwd+bwd", () => Backward(z => (nn.functional.softplus(z) - (x * z)).sum(1).mean())),
            ("softplus(z).mean - (x z).mean, fwd+bwd", () => Backward(z => nn.functional.softplus(z).mean() - (x * z).mean())),
            ("sigmoid, squared error sum(1).mean, fwd+bwd", () => Backward(z => (z.sigmoid() - x).square().sum(1).mean())),
            ("sigmoid, mse_loss sum, fwd+bwd", () => Backward(z => nn.functional.mse_loss(z.sigmoid(), x, reduction: nn.Reduction.Sum) / batch)),
            ("relu fwd+bwd", () => Backward(z => nn.functional.relu(z).sum())),
            ("softplus", () => nn.functional.softplus(gOut).Dispose()),
            ("exp", () => gOut.exp().Dispose()),
            ("log1p", () => gOut.abs().log1p().Dispose()),
            ("abs", () => gOut.abs().Dispose()),
            ("mul", () => gOut.mul(x).Dispose()),
            ("mean", () => gOut.mean().Dispose()),
        };
        Func<double> clock = Environment.GetEnvironmentVariable("AE_OPS_CLOCK") == "wall"
            ? () => System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency
            : ThreadClock.Seconds;
        foreach ((string name, Action op) in ops)
        {
            for (int i = 0; i < 5; i++)
            {
                op();
            }

            double best = double.MaxValue;
            for (int r = 0; r < 200; r++)
            {
                double t0 = clock();
                op();
                best = Math.Min(best, clock() - t0);
            }

            Console.WriteLine($"{best * 1e6,9:F1} us  {name}");
        }

        void Backward(Func<Tensor, Tensor> loss)
        {
            using var step = torch.NewDisposeScope();
            Tensor z = gOut.detach().requires_grad_(true);
            loss(z).backward();
        }
    }
}
