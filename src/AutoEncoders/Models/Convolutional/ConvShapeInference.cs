using System.Globalization;
using System.Text;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// Shape arithmetic of the layer specs (PyTorch's formulas), run before any module is built so that a network whose
/// down- and up-sampling do not return to the input size is refused with the shapes that show why.
/// </summary>
internal sealed class ConvShapeInference
{
    private readonly List<ConvLayerShape> _rows = [];
    private readonly Dictionary<int, int> _unpoolToPool = [];
    private readonly List<(int Layer, string Note)> _notes = [];

    private ConvShapeInference()
    {
    }

    /// <summary>Input row, then one row per encoder and decoder layer (as far as the inference got).</summary>
    public IReadOnlyList<ConvLayerShape> Rows => _rows;

    /// <summary>For each max-unpooling layer (flat index: encoder then decoder), the flat index of its pooling layer.</summary>
    public IReadOnlyDictionary<int, int> UnpoolToPool => _unpoolToPool;

    /// <summary>Index of the last encoder layer's row (the code's shape) in <see cref="Rows"/>.</summary>
    public int CodeRow { get; private set; }

    /// <summary>Why the spec is refused, or null when it returns to the input shape.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// Shape of the decoder's first input when a linear layer from z starts it ([C, H, W], the convolutional VAE),
    /// or null when the decoder continues from the encoder's output.
    /// </summary>
    public IReadOnlyList<long>? DecoderInput { get; private set; }

    /// <summary>Works out every layer's output shape and the pooling pairs; never throws for a bad spec.</summary>
    public static ConvShapeInference Run(ConvolutionalAutoencoderConfig config) =>
        Run([config.Channels, config.Height, config.Width], config.Encoder, decoderInput: null, config.Decoder);

    /// <summary>
    /// Works out every layer's output shape from an input [C, H, W] through the encoder and the decoder back to
    /// the input shape; with <paramref name="decoderInput"/> the decoder starts from that shape (made by a linear
    /// layer from a code vector) instead of the encoder's output. Never throws for a bad spec.
    /// </summary>
    public static ConvShapeInference Run(IReadOnlyList<long> input, IReadOnlyList<ConvLayerSpec> encoder, IReadOnlyList<long>? decoderInput, IReadOnlyList<ConvLayerSpec> decoder)
    {
        var result = new ConvShapeInference { DecoderInput = decoderInput };
        result.Walk(input, encoder, decoder);
        return result;
    }

    /// <summary>The display names of the flat layer list (encoder then decoder).</summary>
    public static List<string> LayerNames(ConvolutionalAutoencoderConfig config) => LayerNames(config.Encoder, config.Decoder);

    /// <summary>The display names of the flat layer list (encoder then decoder): own names or "encoder.i", "decoder.i".</summary>
    public static List<string> LayerNames(IReadOnlyList<ConvLayerSpec> encoder, IReadOnlyList<ConvLayerSpec> decoder)
    {
        var names = new List<string>();
        for (int i = 0; i < encoder.Count; i++)
        {
            names.Add(encoder[i].Name ?? $"encoder.{i}");
        }

        for (int i = 0; i < decoder.Count; i++)
        {
            names.Add(decoder[i].Name ?? $"decoder.{i}");
        }

        return names;
    }

    /// <summary>The shape [C, H, W] entering flat layer <paramref name="layer"/> (the decoder input for the first decoder layer of a VAE).</summary>
    public IReadOnlyList<long> InputShape(int layer) =>
        DecoderInput is not null && layer == CodeRow ? DecoderInput : _rows[layer].Shape;

    /// <summary>The shape table with notes, one line per row, for error messages.</summary>
    public string Table()
    {
        int width = Math.Max(12, _rows.Max(r => r.Name.Length + r.Type.Length + 3));
        int shapeWidth = _rows.Max(r => r.ShapeText.Length);
        var text = new StringBuilder();
        for (int i = 0; i < _rows.Count; i++)
        {
            ConvLayerShape row = _rows[i];
            string label = i == 0 ? "input" : $"{row.Name} ({row.Type})";
            string notes = string.Concat(_notes.Where(n => n.Layer + 1 == i).Select(n => $"  <- {n.Note}"));
            string line = $"  {label.PadRight(width)} {row.ShapeText.PadRight(shapeWidth)}{notes}";
            text.Append(line.TrimEnd()).Append('\n');
            if (DecoderInput is not null && i == CodeRow)
            {
                text.Append($"  {"linear from z".PadRight(width)} [{string.Join(", ", DecoderInput)}]\n");
            }
        }

        return text.ToString();
    }

    private static string Size(long h, long w) => string.Create(CultureInfo.InvariantCulture, $"{h}x{w}");

    private void Walk(IReadOnlyList<long> input, IReadOnlyList<ConvLayerSpec> encoder, IReadOnlyList<ConvLayerSpec> decoder)
    {
        List<string> names = LayerNames(encoder, decoder);
        List<ConvLayerSpec> layers = [.. encoder, .. decoder];
        long c = input[0], h = input[1], w = input[2];
        _rows.Add(new ConvLayerShape("input", "input", [c, h, w]));
        CodeRow = encoder.Count;

        // Spatial sizes before each down-sampling layer, innermost last: an up-sampling layer should give back the
        // size on top of this stack. The first layer that does not is where the sizes diverge.
        var levels = new Stack<(long H, long W, int Layer)>();
        var openPools = new List<int>();
        var outputs = new List<(long C, long H, long W)>();
        for (int i = 0; i < layers.Count; i++)
        {
            if (DecoderInput is not null && i == CodeRow)
            {
                // A VAE's decoder starts from z through a linear layer: no pooling indices cross it, and the
                // encoder's levels only mirror the decoder's when the decoder starts at the encoder's final size.
                openPools.Clear();
                if (DecoderInput[1] != h || DecoderInput[2] != w)
                {
                    levels.Clear();
                }

                (c, h, w) = (DecoderInput[0], DecoderInput[1], DecoderInput[2]);
            }

            ConvLayerSpec spec = layers[i];
            string where = $"{names[i]} ({spec.TypeName})";
            (long c2, long h2, long w2) = (c, h, w);
            switch (spec)
            {
                case Conv2dSpec conv:
                    {
                        (long top, long bottom) = conv.Padding.Along(h, conv.KernelSize, conv.Stride);
                        (long left, long right) = conv.Padding.Along(w, conv.KernelSize, conv.Stride);
                        c2 = conv.Filters;
                        h2 = Floor(h + top + bottom - conv.KernelSize, conv.Stride) + 1;
                        w2 = Floor(w + left + right - conv.KernelSize, conv.Stride) + 1;
                        if (h2 < 1 || w2 < 1)
                        {
                            Fail(i, where, $"its {conv.KernelSize}x{conv.KernelSize} kernel does not fit the padded {Size(h + top + bottom, w + left + right)} input");
                            return;
                        }

                        NoteLoss(i, spec, h, w, h2, w2, conv.Stride);
                        break;
                    }

                case ConvTranspose2dSpec deconv:
                    c2 = deconv.Filters;
                    h2 = ((h - 1) * deconv.Stride) - (2 * deconv.Padding) + deconv.KernelSize + deconv.OutputPadding;
                    w2 = ((w - 1) * deconv.Stride) - (2 * deconv.Padding) + deconv.KernelSize + deconv.OutputPadding;
                    if (h2 < 1 || w2 < 1)
                    {
                        Fail(i, where, $"padding {deconv.Padding} removes more than the {Size(h2 + (2 * deconv.Padding), w2 + (2 * deconv.Padding))} output it pads");
                        return;
                    }

                    break;

                case MaxPool2dSpec pool:
                    {
                        h2 = PoolSize(h, pool);
                        w2 = PoolSize(w, pool);
                        if (h2 < 1 || w2 < 1)
                        {
                            Fail(i, where, $"its {pool.KernelSize}x{pool.KernelSize} window does not fit the {Size(h, w)} input");
                            return;
                        }

                        NoteLoss(i, spec, h, w, h2, w2, pool.EffectiveStride);
                        openPools.Add(i);
                        break;
                    }

                case MaxUnpool2dSpec unpool:
                    {
                        int poolIndex;
                        if (unpool.Pool is null)
                        {
                            if (openPools.Count == 0)
                            {
                                Fail(i, where, "there is no earlier max_pool2d layer left to take indices from; add one or remove this layer");
                                return;
                            }

                            poolIndex = openPools[^1];
                        }
                        else
                        {
                            poolIndex = names.IndexOf(unpool.Pool);
                            bool acrossCode = DecoderInput is not null && poolIndex >= 0 && poolIndex < CodeRow && i >= CodeRow;
                            if (poolIndex < 0 || poolIndex >= i || layers[poolIndex] is not MaxPool2dSpec || acrossCode)
                            {
                                string found = poolIndex < 0 ? "no layer has that name"
                                    : poolIndex >= i ? "that layer comes after this one"
                                    : acrossCode ? "that layer is in the encoder, and a variational decoder starts from z alone"
                                    : $"that layer is a {layers[poolIndex].TypeName}";
                                Fail(i, where, $"pool \"{unpool.Pool}\" must name an earlier max_pool2d layer, but {found}");
                                return;
                            }
                        }

                        openPools.Remove(poolIndex);
                        _unpoolToPool[i] = poolIndex;
                        (long pc, long ph, long pw) = outputs[poolIndex];
                        if (pc != c || ph != h || pw != w)
                        {
                            Fail(i, where, $"it receives [{c}, {h}, {w}] but its pooling layer {names[poolIndex]} produced [{pc}, {ph}, {pw}]; the indices only fit a tensor of that shape");
                            return;
                        }

                        ConvLayerShape before = _rows[poolIndex];
                        (c2, h2, w2) = (c, before.Shape[1], before.Shape[2]);
                        break;
                    }

                case UpsampleSpec up:
                    h2 = h * up.ScaleFactor;
                    w2 = w * up.ScaleFactor;
                    break;

                case BatchNorm2dSpec or ActivationSpec:
                    break;

                default:
                    throw new NotSupportedException($"{where}: layer kind {spec.GetType().Name} has no shape rule.");
            }

            if (h2 < h || w2 < w)
            {
                levels.Push((h, w, i));
            }
            else if ((h2 > h || w2 > w) && Problem is null)
            {
                CheckLevel(i, where, h2, w2, levels, names);
            }

            (c, h, w) = (c2, h2, w2);
            outputs.Add((c, h, w));
            _rows.Add(new ConvLayerShape(names[i], spec.TypeName, [c, h, w]));
        }

        if (c != input[0] || h != input[1] || w != input[2])
        {
            string expected = $"[{input[0]}, {input[1]}, {input[2]}]";
            string from = DecoderInput is null ? string.Empty : $" from its input [{string.Join(", ", DecoderInput)}]";
            string start = $"the decoder returns [{c}, {h}, {w}]{from} but the input is {expected}";
            if (h == input[1] && w == input[2])
            {
                Problem = $"{start}: end the decoder with a layer of {input[0]} filter(s).";
            }
            else if (Problem is null)
            {
                Problem = $"{start}, so down- and up-sampling do not return to the input size ({(levels.Count > 0 ? $"{levels.Count} down-sampling step(s) are never undone" : "the up-sampling overshoots")}).";
            }
            else
            {
                Problem = $"{start}, so down- and up-sampling do not return to the input size. {Problem}";
            }
        }
        else
        {
            Problem = null;
            _notes.Clear();
        }
    }

    private void CheckLevel(int i, string where, long h2, long w2, Stack<(long H, long W, int Layer)> levels, List<string> names)
    {
        if (levels.Count == 0)
        {
            return;
        }

        (long H, long W, int Layer) level = levels.Pop();
        while (levels.Count > 0 && level.H < h2 && level.W < w2)
        {
            level = levels.Pop();
        }

        if (level.H != h2 || level.W != w2)
        {
            _notes.Add((i, $"diverges: {Size(h2, w2)} where the mirrored level was {Size(level.H, level.W)}"));
            Problem = $"The sizes first diverge at {where}: it gives {Size(h2, w2)} where the mirrored level, the input of {names[level.Layer]}, was {Size(level.H, level.W)}.";
        }
    }

    private void NoteLoss(int i, ConvLayerSpec spec, long h, long w, long h2, long w2, int stride)
    {
        if (stride > 1 && (h2 * stride != h || w2 * stride != w))
        {
            string rounding = h2 * stride < h || w2 * stride < w ? "down" : "up";
            _notes.Add((i, $"{Size(h, w)} / {stride} rounds {rounding} to {Size(h2, w2)}"));
        }
    }

    private void Fail(int i, string where, string why)
    {
        _notes.Add((i - 1, "last shape worked out"));
        Problem = $"{where} cannot be applied: {why}.";
    }

    private static long Floor(long numerator, long denominator) => (long)Math.Floor((double)numerator / denominator);

    private static long PoolSize(long size, MaxPool2dSpec pool)
    {
        long span = size + (2 * pool.Padding) - pool.KernelSize;
        int stride = pool.EffectiveStride;
        if (span < 0)
        {
            return 0;
        }

        long output = (pool.CeilMode ? (span + stride - 1) / stride : span / stride) + 1;

        // PyTorch drops a last window that would start inside the right padding.
        if (pool.CeilMode && (output - 1) * stride >= size + pool.Padding)
        {
            output--;
        }

        return output;
    }
}
