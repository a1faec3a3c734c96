using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Optimizers;

/// <summary>
/// One pass of Adam over contiguous float32 CPU memory (Kingma &amp; Ba, 2015, Algorithm 1). TorchSharp's Adam makes
/// eight tensor passes per parameter and allocates two temporaries; this reads p, g, m, v once and writes p, m, v
/// once, in the same float operations and order as libtorch (m·β₁ + (1−β₁)g; v·β₂ + (1−β₂)g²; √v/√(1−β₂ᵗ) + ε;
/// p − α/(1−β₁ᵗ)·m/denominator), so results agree to rounding.
/// </summary>
internal static unsafe class AdamKernel
{
    /// <summary>Elements per parallel chunk: below this, threads cost more than they save.</summary>
    private const int Chunk = 1 << 16;

    /// <summary>True when <paramref name="t"/> can be updated in place through its raw memory.</summary>
    public static bool Supports(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous();

    /// <summary>
    /// Updates <paramref name="param"/>, <paramref name="expAvg"/> and <paramref name="expAvgSq"/> in place from
    /// <paramref name="grad"/>. <paramref name="l2"/> adds l2·p to the gradient (Adam's weight decay);
    /// <paramref name="decay"/> scales p by it first (AdamW's decoupled decay, 1 when none).
    /// </summary>
    public static void Step(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, long step, double lr, double beta1, double beta2, double eps, double l2, double decay)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        var c = new Coefficients
        {
            Beta1 = (float)beta1,
            OneMinusBeta1 = (float)(1 - beta1),
            Beta2 = (float)beta2,
            OneMinusBeta2 = (float)(1 - beta2),
            SqrtBiasCorrection2 = (float)Math.Sqrt(biasCorrection2),
            Eps = (float)eps,
            NegativeStepSize = (float)(-lr / biasCorrection1),
            L2 = (float)l2,
            Decay = (float)decay,
        };
        float* p = Pointer(param);
        float* g = Pointer(grad);
        float* m = Pointer(expAvg);
        float* v = Pointer(expAvgSq);
        long n = param.numel();
        int threads = Math.Max(1, torch.get_num_threads());
        long chunks = (n + Chunk - 1) / Chunk;
        if (threads == 1 || chunks == 1)
        {
            Run(p, g, m, v, 0, n, c);
            return;
        }

        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            long start = k * Chunk;
            Run(p, g, m, v, start, Math.Min(n, start + Chunk), c);
        });
    }

    // The tensor's own memory (its offset included), with no handle made: storage<float>() would make an alias
    // tensor per call that only a dispose scope or the finalizer frees, four per parameter per step.
    private static float* Pointer(Tensor t)
    {
        fixed (byte* start = t.bytes)
        {
            return (float*)start;
        }
    }

    private static void Run(float* p, float* g, float* m, float* v, long start, long end, Coefficients c)
    {
        long i = start;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var beta1 = new Vector<float>(c.Beta1);
            var oneMinusBeta1 = new Vector<float>(c.OneMinusBeta1);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
            var sqrtBc2 = new Vector<float>(c.SqrtBiasCorrection2);
            var eps = new Vector<float>(c.Eps);
            var negativeStep = new Vector<float>(c.NegativeStepSize);
            var l2 = new Vector<float>(c.L2);
            var decay = new Vector<float>(c.Decay);
            bool hasL2 = c.L2 != 0;
            bool hasDecay = c.Decay != 1;
            for (; i + width <= end; i += width)
            {
                Vector<float> pi = Vector.Load(p + i);
                Vector<float> gi = Vector.Load(g + i);
                if (hasDecay)
                {
                    pi *= decay;
                }

                if (hasL2)
                {
                    gi += l2 * pi;
                }

                Vector<float> mi = (Vector.Load(m + i) * beta1) + (oneMinusBeta1 * gi);
                Vector<float> vi = (Vector.Load(v + i) * beta2) + (oneMinusBeta2 * gi * gi);
                Vector<float> denominator = (Vector.SquareRoot(vi) / sqrtBc2) + eps;
                pi += negativeStep * (mi / denominator);
                mi.Store(m + i);
                vi.Store(v + i);
                pi.Store(p + i);
            }
        }

        for (; i < end; i++)
        {
            float pi = p[i] * c.Decay;
            float gi = g[i] + (c.L2 * pi);
            float mi = (m[i] * c.Beta1) + (c.OneMinusBeta1 * gi);
            float vi = (v[i] * c.Beta2) + (c.OneMinusBeta2 * gi * gi);
            float denominator = (MathF.Sqrt(vi) / c.SqrtBiasCorrection2) + c.Eps;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi + (c.NegativeStepSize * (mi / denominator));
        }
    }

    private readonly struct Coefficients
    {
        public float Beta1 { get; init; }

        public float OneMinusBeta1 { get; init; }

        public float Beta2 { get; init; }

        public float OneMinusBeta2 { get; init; }

        public float SqrtBiasCorrection2 { get; init; }

        public float Eps { get; init; }

        public float NegativeStepSize { get; init; }

        public float L2 { get; init; }

        public float Decay { get; init; }
    }
}
