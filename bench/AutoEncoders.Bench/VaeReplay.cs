using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Bench;

/// <summary>
/// Replays bench/vae_replay.py's trajectory (same initial weights, batches and eps) through our VAE, objective and
/// optimizers, and prints how far each quantity is from PyTorch's float32 and float64 runs.
/// </summary>
internal static class VaeReplay
{
    private static readonly (string Ours, string Peer)[] Layers =
    [
        ("encoder.0", "fc1"), ("mean", "fc21"), ("spread", "fc22"), ("decoder.0", "fc3"), ("decoder.1", "fc4"),
    ];

    /// <summary>Writes a trained VAE's weights as init_&lt;layer&gt;_{w,b}.npy into <paramref name="dir"/> (PyTorch's layer names).</summary>
    public static void Export(string runDirectory, string dir)
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(runDirectory);
        Directory.CreateDirectory(dir);
        foreach ((string ours, string peer) in Layers)
        {
            NpyFile.Write(Path.Combine(dir, $"{peer}_w.npy"), Param(trained.Model, $"{ours}.weight").detach());
            NpyFile.Write(Path.Combine(dir, $"{peer}_b.npy"), Param(trained.Model, $"{ours}.bias").detach());
        }

        Console.WriteLine($"wrote the weights of {runDirectory} to {dir}");
    }

    /// <summary>The replay; with <paramref name="lockstep"/> &gt; 0 only the side-by-side run of both Adams for that many steps.</summary>
    public static void Run(string recipePath, string dir, int lockstep = 0)
    {
        Recipe recipe = Recipe.Load(recipePath);
        if (lockstep > 0)
        {
            using TensorDataset data = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
            using Tensor order = NpyFile.Read(Path.Combine(dir, "idx.npy"));
            using Tensor draws = NpyFile.Read(Path.Combine(dir, "eps.npy"));
            Lockstep(recipe, dir, data, order, draws, lockstep);
            return;
        }

        InitialDistributions(recipe, dir);
        using TensorDataset train = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
        Tensor idx = NpyFile.Read(Path.Combine(dir, "idx.npy"));
        Tensor eps = NpyFile.Read(Path.Combine(dir, "eps.npy"));
        using (Tensor x0 = train.Features.index_select(0, idx[0]).reshape(idx.shape[1], -1))
        using (Tensor peer = NpyFile.Read(Path.Combine(dir, "x0.npy")))
        {
            Console.WriteLine($"data     first batch: max |ours - peer| {(x0 - peer).abs().max().item<float>():G9}, unequal values {(x0 != peer).sum().item<long>()} of {x0.numel()}");
        }

        int steps = (int)idx.shape[0];
        Replay(recipe, dir, train, idx, eps, steps, "fused Adam (ours)", p => recipe.Training.Optimizer.Create(p), checkKernel: true);
        Replay(recipe, dir, train, idx, eps, steps, "TorchSharp Adam", p => torch.optim.Adam(p, lr: recipe.Training.Optimizer.LearningRate));
    }

    private static void InitialDistributions(Recipe recipe, string dir)
    {
        Console.WriteLine("init     std of the initial values, ours (seeds 1-3, built by the recipe) / PyTorch / U(+-1/sqrt(fan_in))");
        var models = new List<Autoencoder>();
        for (int seed = 1; seed <= 3; seed++)
        {
            torch.manual_seed(seed);
            models.Add(recipe.Model.Build());
        }

        foreach ((string ours, string peer) in Layers)
        {
            foreach ((string suffix, string file) in new[] { ("weight", "w"), ("bias", "b") })
            {
                string name = $"{ours}.{suffix}";
                using Tensor reference = NpyFile.Read(Path.Combine(dir, $"init_{peer}_{file}.npy"));
                long fanIn = Param(models[0], $"{ours}.weight").shape[1];
                double expected = 1 / Math.Sqrt(fanIn) / Math.Sqrt(3);
                string stds = string.Join(" ", models.Select(m => Std(Param(m, name))));
                string bounds = string.Join(" ", models.Select(m => Param(m, name).abs().max().item<float>().ToString("F4", CultureInfo.InvariantCulture)));
                Console.WriteLine($"  {name,-18} shape [{string.Join(",", reference.shape)}]  ours {stds}  peer {Std(reference)}  expected {expected:F5}  max|.| ours {bounds} bound {1 / Math.Sqrt(fanIn):F4}");
            }
        }

        foreach (Autoencoder m in models)
        {
            m.Dispose();
        }
    }

    private static Parameter Param(nn.Module model, string name) =>
        model.get_parameter(name) ?? throw new InvalidOperationException($"the model has no parameter {name}.");

    private static string Std(Tensor t) => t.std().item<float>().ToString("F5", CultureInfo.InvariantCulture);

    private static void Replay(Recipe recipe, string dir, TensorDataset train, Tensor idx, Tensor eps, int steps, string label, Func<IEnumerable<Parameter>, optim.Optimizer> optimizer, bool checkKernel = false)
    {
        Console.WriteLine($"replay   {label}");
        using VariationalAutoencoder vae = Initial(recipe, dir);
        vae.train();
        using optim.Optimizer opt = optimizer(vae.parameters());
        using Tensor peerTerms = NpyFile.Read(Path.Combine(dir, "terms.npy"));
        using Tensor f64Terms = NpyFile.Read(Path.Combine(dir, "f64_terms.npy"));
        var terms = new double[steps, 2];
        double ulpP = 0, ulpM = 0, ulpV = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor x = train.Features.index_select(0, idx[step]);
            (Tensor mean, Tensor logVariance) = vae.Posterior(x);
            Tensor z = mean + (torch.exp(0.5 * logVariance) * eps[step]);
            Tensor logits = vae.DecodePreActivation(z);
            if (step == 0)
            {
                CheckForward(vae, x);
            }

            var output = new AutoencoderOutput
            {
                Reconstruction = torch.sigmoid(logits).reshape(x.shape),
                Logits = logits.reshape(x.shape),
                Code = z,
                Mean = mean,
                LogVariance = logVariance,
            };
            ObjectiveValue value = recipe.Objective.Compute(new LossContext { Model = vae, Target = x, Input = x, Output = output, Training = true });
            opt.zero_grad();
            value.Total.backward();
            terms[step, 0] = value.Terms[0].item<float>();
            terms[step, 1] = value.Terms[1].item<float>();
            if (step == 0)
            {
                Console.WriteLine($"  step 1 terms: ours nll {terms[0, 0]:F6} kl {terms[0, 1]:F6}; peer nll {peerTerms[0, 0].item<double>():F6} kl {peerTerms[0, 1].item<double>():F6}; f64 nll {f64Terms[0, 0].item<double>():F6} kl {f64Terms[0, 1].item<double>():F6}");
                Compare(vae, dir, "grad0_", "gradient at step 1", p => p.grad!);
            }

            List<(Tensor P, Tensor G, Tensor M, Tensor V, long T)>? before = checkKernel ? Snapshot(vae, opt) : null;
            opt.step();
            if (before is not null)
            {
                (double up, double um, double uv) = KernelCheck(vae, opt, before);
                (ulpP, ulpM, ulpV) = (Math.Max(ulpP, up), Math.Max(ulpM, um), Math.Max(ulpV, uv));
            }

            if (step + 1 is 1 or 10 || step + 1 == steps)
            {
                Compare(vae, dir, $"after{step + 1}_", $"parameters after {step + 1} steps", p => p);
            }
        }

        if (checkKernel)
        {
            Console.WriteLine($"  each step against torch's Adam formula on the same state: at most {ulpP} ulp in p, {ulpM} in m, {ulpV} in v");
        }

        int firstApart = -1;
        double maxNll = 0, maxKl = 0, maxNll64 = 0, maxKl64 = 0, sumOurs = 0, sumPeer = 0, sumF64 = 0;
        for (int s = 0; s < steps; s++)
        {
            double pn = peerTerms[s, 0].item<double>(), pk = peerTerms[s, 1].item<double>();
            double fn = f64Terms[s, 0].item<double>(), fk = f64Terms[s, 1].item<double>();
            maxNll = Math.Max(maxNll, Math.Abs(terms[s, 0] - pn) / Math.Abs(pn));
            maxKl = Math.Max(maxKl, Math.Abs(terms[s, 1] - pk) / Math.Abs(pk));
            maxNll64 = Math.Max(maxNll64, Math.Abs(pn - fn) / Math.Abs(fn));
            maxKl64 = Math.Max(maxKl64, Math.Abs(pk - fk) / Math.Abs(fk));
            if (firstApart < 0 && Math.Abs(terms[s, 0] + terms[s, 1] - pn - pk) / (pn + pk) > 1e-6)
            {
                firstApart = s + 1;
            }

            sumOurs += terms[s, 0] + terms[s, 1];
            sumPeer += pn + pk;
            sumF64 += fn + fk;
        }

        Console.WriteLine($"  loss terms over {steps} steps: max rel |ours - peer| nll {maxNll:E2} kl {maxKl:E2}; max rel |peer - f64| nll {maxNll64:E2} kl {maxKl64:E2}");
        Console.WriteLine($"  first step whose loss is more than 1e-6 (relative) from PyTorch's: {(firstApart < 0 ? "none" : firstApart.ToString(CultureInfo.InvariantCulture))}");
        Console.WriteLine($"  mean loss over {steps} steps: ours {sumOurs / steps:F6} peer {sumPeer / steps:F6} f64 {sumF64 / steps:F6}");
        Console.WriteLine($"  last step: ours nll {terms[steps - 1, 0]:F5} kl {terms[steps - 1, 1]:F5}; peer nll {peerTerms[steps - 1, 0].item<double>():F5} kl {peerTerms[steps - 1, 1].item<double>():F5}; f64 nll {f64Terms[steps - 1, 0].item<double>():F5} kl {f64Terms[steps - 1, 1].item<double>():F5}");
    }

    private static VariationalAutoencoder Initial(Recipe recipe, string dir)
    {
        torch.manual_seed(1);
        var vae = (VariationalAutoencoder)recipe.Model.Build();
        using (torch.no_grad())
        {
            foreach ((string ours, string peer) in Layers)
            {
                using Tensor w = NpyFile.Read(Path.Combine(dir, $"init_{peer}_w.npy"));
                using Tensor b = NpyFile.Read(Path.Combine(dir, $"init_{peer}_b.npy"));
                Param(vae, $"{ours}.weight").copy_(w);
                Param(vae, $"{ours}.bias").copy_(b);
            }
        }

        return vae;
    }

    /// <summary>Fused Adam and TorchSharp's Adam side by side: per step, the largest parameter difference and where.</summary>
    private static void Lockstep(Recipe recipe, string dir, TensorDataset train, Tensor idx, Tensor eps, int steps)
    {
        VariationalAutoencoder[] models = [Initial(recipe, dir), Initial(recipe, dir)];
        optim.Optimizer[] opts = [recipe.Training.Optimizer.Create(models[0].parameters()), torch.optim.Adam(models[1].parameters(), lr: 1e-3)];
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var snap = new List<Tensor[]>();
            var losses = new double[2];
            for (int k = 0; k < 2; k++)
            {
                VariationalAutoencoder vae = models[k];
                Tensor x = train.Features.index_select(0, idx[step]);
                (Tensor mean, Tensor logVariance) = vae.Posterior(x);
                Tensor z = mean + (torch.exp(0.5 * logVariance) * eps[step]);
                Tensor logits = vae.DecodePreActivation(z);
                var output = new AutoencoderOutput { Reconstruction = logits, Logits = logits.reshape(x.shape), Code = z, Mean = mean, LogVariance = logVariance };
                ObjectiveValue value = recipe.Objective.Compute(new LossContext { Model = vae, Target = x, Input = x, Output = output, Training = true });
                opts[k].zero_grad();
                value.Total.backward();
                losses[k] = value.Total.item<float>();
                snap.Add([.. vae.parameters().Select(p => p.grad!.clone())]);
                opts[k].step();
            }

            Parameter[] a = [.. models[0].parameters()], b = [.. models[1].parameters()];
            var state0 = ((OptimizerHelper)opts[0]).state_dict().State;
            var state1 = ((OptimizerHelper)opts[1]).state_dict().State;
            var line = new List<string>();
            for (int i = 0; i < a.Length; i++)
            {
                Tensor d = (a[i] - b[i]).abs().flatten();
                long at = d.argmax().item<long>();
                float max = d[at].item<float>();
                if (max > 0)
                {
                    var s0 = (TorchSharp.Modules.Adam.State)state0[i];
                    var s1 = (TorchSharp.Modules.Adam.State)state1[i];
                    line.Add($"p{i}[{at}] {max:G2} (p {a[i].flatten()[at].item<float>():G9}/{b[i].flatten()[at].item<float>():G9} g {snap[0][i].flatten()[at].item<float>():G9}/{snap[1][i].flatten()[at].item<float>():G9} m {s0.exp_avg.flatten()[at].item<float>():G9}/{s1.exp_avg.flatten()[at].item<float>():G9} v {s0.exp_avg_sq.flatten()[at].item<float>():G9}/{s1.exp_avg_sq.flatten()[at].item<float>():G9})");
                }
            }

            Console.WriteLine($"step {step + 1} loss {losses[0]:G9}/{losses[1]:G9}: {string.Join("; ", line)}");
        }
    }

    private static List<(Tensor P, Tensor G, Tensor M, Tensor V, long T)> Snapshot(VariationalAutoencoder vae, optim.Optimizer opt)
    {
        var state = ((OptimizerHelper)opt).state_dict().State;
        var result = new List<(Tensor, Tensor, Tensor, Tensor, long)>();
        int i = 0;
        foreach (Parameter p in vae.parameters())
        {
            var s = (TorchSharp.Modules.Adam.State)state[i++];
            result.Add((p.detach().clone().MoveToOuterDisposeScope(), p.grad!.clone().MoveToOuterDisposeScope(), s.exp_avg.clone().MoveToOuterDisposeScope(), s.exp_avg_sq.clone().MoveToOuterDisposeScope(), s.step));
        }

        return result;
    }

    /// <summary>
    /// One step of torch's Adam formula, in tensor operations, on the state before the optimizer's step: the largest
    /// difference from what the optimizer wrote, in units in the last place of the parameter, m and v.
    /// </summary>
    private static (double P, double M, double V) KernelCheck(VariationalAutoencoder vae, optim.Optimizer opt, List<(Tensor P, Tensor G, Tensor M, Tensor V, long T)> before)
    {
        using var scope = torch.NewDisposeScope();
        var state = ((OptimizerHelper)opt).state_dict().State;
        double worstP = 0, worstM = 0, worstV = 0;
        int i = 0;
        foreach (Parameter p in vae.parameters())
        {
            (Tensor p0, Tensor g, Tensor m0, Tensor v0, long t0) = before[i];
            var s = (TorchSharp.Modules.Adam.State)state[i++];
            long t = t0 + 1;
            if (s.step != t)
            {
                throw new InvalidOperationException($"Adam's step count is {s.step}; expected {t}.");
            }

            double bc1 = 1 - Math.Pow(0.9, t), bc2 = 1 - Math.Pow(0.999, t);
            Tensor m = m0.mul(0.9).add(g, alpha: 0.1);
            Tensor v = v0.mul(0.999).addcmul(g, g, value: 1 - 0.999);
            Tensor expected = p0.addcdiv(m, (v.sqrt() / Math.Sqrt(bc2)).add(1e-8), value: -1e-3 / bc1);
            // Units in the last place of the largest operand of each update (a sum that cancels has a tiny result).
            worstP = Math.Max(worstP, Ulps(p.detach(), expected, torch.maximum(torch.maximum(p0.abs(), expected.abs()), (expected - p0).abs())));
            worstM = Math.Max(worstM, Ulps(s.exp_avg, m, torch.maximum((0.9 * m0).abs(), (0.1 * g).abs())));
            worstV = Math.Max(worstV, Ulps(s.exp_avg_sq, v, torch.maximum(0.999 * v0, 0.001 * g * g)));
            foreach (Tensor x in new[] { p0, g, m0, v0 })
            {
                x.Dispose();
            }
        }

        return (worstP, worstM, worstV);
    }

    /// <summary>max |a - b| in float32 units in the last place of <paramref name="scale"/> (that of 2^-126 below it).</summary>
    private static double Ulps(Tensor a, Tensor b, Tensor scale)
    {
        Tensor spacing = torch.pow(2.0, torch.floor(torch.log2(scale.to_type(ScalarType.Float64).clamp_min(Math.Pow(2, -126)))) - 23);
        return ((a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs() / spacing).max().item<double>();
    }

    /// <summary>The model's own forward pass with a generator equals Posterior + mu + sigma * eps + decoder with eps from the same generator state.</summary>
    private static void CheckForward(VariationalAutoencoder vae, Tensor x)
    {
        using var generator = new Generator(7);
        Tensor state = generator.get_state();
        vae.SamplingGenerator = generator;
        AutoencoderOutput output = vae.forward(x);
        vae.SamplingGenerator = null;
        generator.set_state(state);
        (Tensor mean, Tensor logVariance) = vae.Posterior(x);
        Tensor eps = torch.randn(mean.shape, generator: generator);
        Tensor logits = vae.DecodePreActivation(mean + (torch.exp(0.5 * logVariance) * eps));
        Console.WriteLine($"  forward() vs manual replay with the same eps: max |logits diff| {(output.Logits!.reshape(logits.shape) - logits).abs().max().item<float>():G3}");
    }

    private static void Compare(VariationalAutoencoder vae, string dir, string prefix, string what, Func<Parameter, Tensor> pick)
    {
        var parts = new List<string>();
        double worst = 0, worstF64 = 0;
        foreach ((string ours, string peer) in Layers)
        {
            foreach ((string suffix, string file) in new[] { ("weight", "w"), ("bias", "b") })
            {
                using var scope = torch.NewDisposeScope();
                Tensor mine = pick(Param(vae, $"{ours}.{suffix}")).to_type(ScalarType.Float64);
                Tensor reference = NpyFile.Read(Path.Combine(dir, $"{prefix}{peer}_{file}.npy")).to_type(ScalarType.Float64);
                Tensor f64 = NpyFile.Read(Path.Combine(dir, $"f64_{prefix}{peer}_{file}.npy"));
                double rel = ((mine - reference).norm() / reference.norm()).item<double>();
                double relOurs64 = ((mine - f64).norm() / f64.norm()).item<double>();
                double relPeer64 = ((reference - f64).norm() / f64.norm()).item<double>();
                worst = Math.Max(worst, rel);
                worstF64 = Math.Max(worstF64, relOurs64 / Math.Max(relPeer64, 1e-30));
                parts.Add($"{peer}_{file} {rel:E1} (f64: ours {relOurs64:E1} peer {relPeer64:E1})");
            }
        }

        Console.WriteLine($"  {what}: max rel ||ours - peer|| {worst:E2}; worst (ours vs f64)/(peer vs f64) {worstF64:F2}");
        Console.WriteLine($"    {string.Join("; ", parts)}");
    }
}
