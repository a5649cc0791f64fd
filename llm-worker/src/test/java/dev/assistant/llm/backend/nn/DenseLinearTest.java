package dev.assistant.llm.backend.nn;

import static dev.assistant.llm.backend.nn.ReferenceMathTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine-backed dense layer, whole and split into row blocks multiplied in parallel, against a
 * plain-Java product, and what it leaves behind.
 */
class DenseLinearTest {
  private static final int IN = 24;
  private static final int OUT = 10;

  @ParameterizedTest(name = "{0} row blocks")
  @ValueSource(ints = {1, 3})
  void productMatchesPlainJavaForOneAndSeveralRows(int parts) {
    float[] w = random(OUT * IN, 1);
    float[] b = random(OUT, 2);
    try (NDManager model = Engine.getEngine("PyTorch").newBaseManager();
        DenseLinear layer =
            DenseLinear.create(model, w, OUT, IN, b, DataType.FLOAT32, DataType.FLOAT32, parts)) {
      for (int rows : new int[] {1, 3, DenseLinear.FEW_ROWS + 1}) {
        float[] x = random(rows * IN, 10 + rows);
        try (NDManager step = model.newSubManager()) {
          NDArray y = layer.forward(step.create(x, new Shape(rows, IN)));
          assertEquals(new Shape(rows, OUT), y.getShape());
          float[] actual = y.toFloatArray();
          for (int r = 0; r < rows; r++) {
            for (int o = 0; o < OUT; o++) {
              double expected = b[o];
              for (int i = 0; i < IN; i++) {
                expected += (double) x[r * IN + i] * w[o * IN + i];
              }
              assertEquals(
                  expected, actual[r * OUT + o], 1e-4, rows + " rows, [" + r + "][" + o + "]");
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} row blocks")
  @ValueSource(ints = {1, 2})
  void productsBelongToTheCallersManager(int parts) {
    try (NDManager model = Engine.getEngine("PyTorch").newBaseManager();
        DenseLinear layer =
            DenseLinear.create(
                model,
                random(OUT * IN, 3),
                OUT,
                IN,
                null,
                DataType.FLOAT32,
                DataType.FLOAT32,
                parts)) {
      int held = model.getManagedArrays().size();
      for (int rows : new int[] {1, 4, DenseLinear.FEW_ROWS + 1, 1}) {
        try (NDManager step = model.newSubManager()) {
          layer.forward(step.create(random(rows * IN, rows), new Shape(rows, IN)));
        }
      }
      assertEquals(held, model.getManagedArrays().size(), "arrays left on the model's manager");
    }
  }
}
