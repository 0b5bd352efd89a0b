// Prints the server.conf keys a QuestDB release knows, read from the release jar itself:
// `java -cp questdb-<v>.jar PropertyKeys.java`. One line per fact, sorted, tab-separated:
//   key <path>                         every io.questdb.PropertyKey constant's property path
//   deprecated <path> <replacement>    PropServerConfiguration.PropertyValidator's deprecatedSettings
//   obsolete <path> <replacement>      ... and its obsoleteSettings (keys the release no longer reads)
// Reflection, not javap, so the strings are the ones QuestDB itself matches server.conf against.
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public class PropertyKeys {
    public static void main(String[] args) throws Exception {
        List<String> lines = new ArrayList<>();
        Class<?> keys = Class.forName("io.questdb.PropertyKey");
        Method path = keys.getMethod("getPropertyPath");
        for (Object key : (Object[]) keys.getMethod("values").invoke(null)) {
            lines.add("key\t" + path.invoke(key));
        }
        Class<?> validatorClass = Class.forName("io.questdb.PropServerConfiguration$PropertyValidator");
        Object validator = validatorClass.getConstructor().newInstance();
        for (String kind : new String[] {"deprecated", "obsolete"}) {
            Field field = validatorClass.getDeclaredField(kind + "Settings");
            field.setAccessible(true);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) field.get(validator)).entrySet()) {
                Object k = e.getKey();
                String name = k instanceof String ? (String) k : (String) path.invoke(k);
                lines.add(kind + "\t" + name + "\t" + String.valueOf(e.getValue()).replace('\t', ' ').replace('\n', ' '));
            }
        }
        lines.sort(null);
        lines.forEach(System.out::println);
    }
}
