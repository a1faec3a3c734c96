using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Bench;

internal static class LstmProbe
{
    public static void Run()
    {
        var lstm = nn.LSTM(64, 64, batchFirst: true);
        var enc = nn.LSTM(1, 64, batchFirst: true);
        Tensor code = torch.randn(64, 64);
        Tensor series = torch.randn(64, 140, 1);
        foreach (string mode in new[] { "expand", "contiguous", "encoder(1->64)", "expand", "contiguous", "encoder(1->64)" })
        {
            var times = new List<double>();
            for (int s = 0; s < 5; s++)
            {
                using var scope = torch.NewDisposeScope();
                var clock = Stopwatch.StartNew();
                Tensor output;
                if (mode.StartsWith("encoder", StringComparison.Ordinal))
                {
                    (output, _, _) = enc.call(series.requires_grad_(false));
                }
                else
                {
                    Tensor c = code.detach().requires_grad_(true);
                    Tensor input = c.unsqueeze(1).expand(64, 140, 64);
                    (output, _, _) = lstm.call(mode == "contiguous" ? input.contiguous() : input);
                }

                output.sum().backward();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"{mode}: {times.Skip(1).Order().ElementAt(2):F1} ms fwd+bwd");
        }
    }
}
