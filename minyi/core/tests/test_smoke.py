from minyi.core.models import ChainHead, Event, Unit
from minyi.core.models.units import subtree_q
from minyi.core.scope import has_role


def test_tree_subtree_and_events(tree, make_person):
    in_district = set(Unit.objects.filter(subtree_q(tree.district.path)).values_list("name", flat=True))
    assert in_district == {"东城区", "青云街道", "金沙社区", "东城区住房和城乡建设局", "青云街道人大代表联络站"}
    assert Event.objects.filter(action="core.unit.create").count() == 9
    head = ChainHead.objects.get(chain=f"core.unit:{tree.city.pk}")
    assert head.seq == 1
    staff = make_person("township_staff", tree.township)
    assert has_role(staff, "township_staff", tree.community)
    assert not has_role(staff, "township_staff", tree.other_community)
    assert not has_role(staff, "township_staff", tree.district)
